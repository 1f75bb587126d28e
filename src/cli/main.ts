import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands.js';
import { registerBulkCommand } from './bulk-command.js';
import { registerCampaignCommands } from './campaign-commands.js';
import { registerMessagesCommand } from './messages-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { registerRouteCommands } from './route-commands.js';
import { registerSendCommand } from './send-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerSmppCommands } from './smpp-commands.js';
import { registerSmscSimCommand } from './smsc-sim-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerWebhookCommands } from './webhook-commands.js';

const program = new Command()
  .name('smsgate')
  .description('Self-hosted SMS gateway')
  .version('0.1.0')
  .showHelpAfterError();

registerServeCommand(program);
registerMigrateCommand(program);
registerSendCommand(program);
registerBulkCommand(program);
registerStatusCommand(program);
registerMessagesCommand(program);
registerSmscSimCommand(program);
registerAdminCommands(program);
registerWebhookCommands(program);
registerRouteCommands(program);
registerCampaignCommands(program);
registerSmppCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`smsgate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
