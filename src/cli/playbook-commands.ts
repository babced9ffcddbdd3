/** `reckon playbooks [--format md|json]`: the failure catalog with its recovery playbooks. */
import { Option, type Command } from 'commander';
import { renderPlaybooksJson, renderPlaybooksMarkdown } from '../operator/playbook-render.js';
import type { Io } from './main.js';

export function registerPlaybookCommands(program: Command, io: Io): void {
  program.command('playbooks')
    .description('Print the failure catalog: every code with detection, automatic action, operator steps, severity and escalation.')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json']).default('md'))
    .action((flags: { format: 'md' | 'json' }) => {
      io.out(flags.format === 'json' ? renderPlaybooksJson() : renderPlaybooksMarkdown());
    });
}
