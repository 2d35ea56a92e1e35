import type { PlatformName } from "../../core/platforms/types.js";

/** How each platform is shown: its Chinese name (what users call it) and the API's name. */
export const PLATFORM_LABELS: Record<PlatformName, string> = {
  xhs: "小红书",
  dy: "抖音",
  ks: "快手",
  bili: "B站",
  wb: "微博",
  tieba: "贴吧",
  zhihu: "知乎",
  web: "Web",
};

/** "小红书 xhs"; the web platform is just "web". */
export function platformLabel(name: string): string {
  const label = PLATFORM_LABELS[name as PlatformName];
  return label === undefined || name === "web" ? name : `${label} ${name}`;
}
