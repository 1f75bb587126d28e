import type { Command } from 'commander';
import { addServerOptions, overridesFrom } from './server-options.js';

export function registerMigrateCommand(program: Command): void {
  addServerOptions(program.command('migrate').description('bring the database schema up to date')).action(
    async (options: Record<string, unknown>) => {
      // Loaded here, not at the top: the other commands start without the store.
      const [{ loadConfig }, { migrateToLatest, openStore }] = await Promise.all([
        import('../config/load-config.js'),
        import('../store/open-store.js'),
      ]);
      const config = loadConfig(overridesFrom(options));
      const store = await openStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        exclusive: true,
      });
      try {
        const applied = await migrateToLatest(store);
        console.log(
          applied.length > 0
            ? `applied ${applied.join(', ')} to ${store.location}`
            : `${store.location} is up to date`,
        );
      } finally {
        await store.close();
      }
    },
  );
}
