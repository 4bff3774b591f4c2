// Public surface of the terminal core (DOM-free). The xterm.js layer needs
// TerminalSession, renderAnsi/xtermTheme and a TerminalBackend.
export { TerminalSession } from './session.ts';
export type { Completion, TerminalSessionOptions } from './session.ts';
export type {
  TerminalBackend,
  TerminalIntent,
  DomainCatalog,
  ClockState,
  TraceFilter,
  StreamSummary,
  DomainInfo,
  ResetOptions,
  ConsistencyOptions,
  ConsistencyStrategy,
} from './backend.ts';
export { catalogOf } from './backend.ts';
export { filterTrace } from '../worker/views/traceFilter.ts';
export { STRATEGY_WORDS, STRATEGY_HELP, strategyOf } from './strategies.ts';
export { PROJECTION_ACTIONS } from './commands/projections.ts';
export { renderAnsi, renderPlain, xtermTheme, PALETTES } from './ansi.ts';
export type { ThemeName, Palette, RenderOptions } from './ansi.ts';
export type { Output, Block, Span, Style, Cell, TableBlock, LineBlock } from './output.ts';
export { TerminalHistory, memoryStorage, HISTORY_KEY } from './history.ts';
export type { KeyValueStorage } from './history.ts';
export type { TerminalHost, CommandEntry, CommandTable } from './commands/types.ts';
export { buildCommandTable, allEntries } from './commands/table.ts';
export { parseLine } from './parse.ts';
export type { ParseResult } from './parse.ts';
export { tokenize, splitRaw } from './tokenize.ts';
// createLocalBackend lives in ./localBackend.ts: it pulls in the engine's
// runtime, which a page talking to a worker does not need.
