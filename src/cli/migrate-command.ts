import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { migrateToLatest, openStore } from '../store/open-store.js';
import { addServerOptions, overridesFrom } from './server-options.js';

export function registerMigrateCommand(program: Command): void {
  addServerOptions(program.command('migrate').description('bring the database schema up to date')).action(
    async (options: Record<string, unknown>) => {
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
