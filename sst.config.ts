/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    const production = input?.stage === "prod";
    return {
      name: "crawl-tasks",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    // Every function, including those a subscription or a cron creates: Node 22 on x64
    // (@sparticuz/chromium ships for x64 only). A function may still say otherwise.
    $transform(sst.aws.Function, (args) => {
      args.runtime ??= "nodejs22.x";
      args.architecture ??= "x86_64";
    });

    // Dependency order: tables and queue first, then the functions that use them.
    const storage = await import("./infra/storage");
    const queue = await import("./infra/queue");
    await import("./infra/accounts");
    await import("./infra/privacy");
    const webhooks = await import("./infra/webhooks");
    const media = await import("./infra/media");
    await import("./infra/crawler");
    await import("./infra/deadLetters");
    await import("./infra/auth");
    const schedules = await import("./infra/schedules");
    const api = await import("./infra/api");
    const dashboard = await import("./infra/dashboard");
    await import("./infra/sweeper");

    return {
      api: api.api.url,
      dashboard: dashboard.dashboard.url,
      tasksTable: storage.tasksTable.name,
      resultsTable: storage.resultsTable.name,
      accountsTable: storage.accountsTable.name,
      schedulesTable: storage.schedulesTable.name,
      scheduleGroup: schedules.scheduleGroup.name,
      taskQueue: queue.taskQueue.url,
      // Where failures wait to be looked at (docs/deploying.md).
      taskDeadLetterQueue: queue.taskDeadLetterQueue.url,
      taskDeadLetterParking: queue.taskDeadLetterParking.url,
      webhookQueue: webhooks.webhookQueue.url,
      webhookDeadLetterQueue: webhooks.webhookDeadLetterQueue.url,
      mediaBucket: media.mediaBucket.name,
    };
  },
});
