// Keeping a sandbox's session: where a run starts from (a shared link in the
// URL, else the autosave in IndexedDB), autosave while it runs, the saved
// sessions list, links, and session and trace files. The controller
// (sandboxController.svelte.ts) runs the engine; this keeps what it ran.
import type { DomainDefinition } from '../../engine/index.ts';
import { SessionStore, type SessionSummary } from '../../sandbox/persistence.ts';
import type { SandboxPreset } from '../../sandbox/presets.ts';
import type { SessionCode } from '../../sandbox/sessionCode.ts';
import { SessionFormatError, parseSessionFile, toSessionFile } from '../../sandbox/sessionFormat.ts';
import type { SessionState } from '../../sandbox/sessionState.ts';
import { MAX_LINK_CHARS, decodeSession, encodeSession, hashFor, sessionParam } from '../../sandbox/urlCodec.ts';
import type { EngineConnection } from '../../worker/engineClient.ts';
import type { SandboxFrame } from '../../worker/protocol/coordinator.ts';
import { unwrap } from '../../worker/protocol/reply.ts';

const AUTOSAVE_MS = 2000;

/** What the keeper needs of the running sandbox. */
export interface KeptSandbox {
  readonly preset: SandboxPreset;
  readonly frame: SandboxFrame | null;
  readonly domain: DomainDefinition;
  readonly seed: number;
  /** The learner's code of this session (fitted to the domain), kept beside the autosave. */
  readonly code: SessionCode | undefined;
  /** The current run's coordinator, null when none is running. */
  coordinatorOrNull(): EngineConnection['coordinator'] | null;
  /** Start fresh workers on a session; rejects (leaving the current run) when it does not replay. */
  open(state: SessionState, options?: { keepRecord?: boolean }): Promise<void>;
  session(): Promise<SessionState>;
  announce(text: string): void;
}

export type SessionNotice = { kind: 'ok' | 'error'; text: string };

export class SessionKeeper {
  notice = $state<SessionNotice | null>(null);
  shareUrl = $state('');
  saved = $state.raw<SessionSummary[]>([]);
  /** Where the last autosave stood (seq:step), so a page can tell it is saved. */
  savedKey = $state('');

  readonly #sandbox: KeptSandbox;
  #store: SessionStore | null = null;
  #recordId = newRecordId();
  #lastSession: SessionState | null = null;
  /** The key of the last save of the current run (reset when another run opens). */
  #lastSavedKey = '';
  /** The record and code saved last, as JSON, so unchanged code is not written again. */
  #lastCodeKey = '';
  /** True once the learner's current code is in the store (the Code panel says so). */
  codeSaved = $state(false);
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(sandbox: KeptSandbox) {
    this.#sandbox = sandbox;
  }

  /**
   * Open the store and find where the run starts: a shared link in the URL,
   * else this sandbox's autosave; null when neither (start from the preset).
   */
  async startingState(): Promise<SessionState | null> {
    const { preset } = this.#sandbox;
    if (preset.id && typeof indexedDB !== 'undefined') {
      try {
        this.#store = new SessionStore();
        this.saved = await this.#store.list(preset.id);
      } catch {
        this.#store = null; // storage blocked: the sandbox still runs, without autosave
      }
    }
    const param = preset.readUrl ? sessionParam(location.hash) : null;
    if (param) {
      try {
        const state = await decodeSession(param);
        this.notice = { kind: 'ok', text: 'Opened the run shared in this link.' };
        // The run now continues here (and is autosaved): a reload should not go back to the link's snapshot.
        history.replaceState(null, '', location.pathname + location.search);
        return state;
      } catch (e) {
        this.notice = { kind: 'error', text: `The link could not be opened: ${message(e)}` };
      }
    }
    if (this.#store && preset.id) {
      const current = await this.#store.current(preset.id).catch(() => undefined);
      if (current) {
        this.#recordId = current.summary.id;
        return current.session;
      }
    }
    return null;
  }

  /** Autosave every two seconds and when the page goes away; follow links pasted into the address bar. */
  start(): void {
    this.#timer = setInterval(() => void this.autosave(), AUTOSAVE_MS);
    addEventListener('pagehide', this.#onPageHide);
    if (this.#sandbox.preset.readUrl) addEventListener('hashchange', this.#onHashChange);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    removeEventListener('pagehide', this.#onPageHide);
    removeEventListener('hashchange', this.#onHashChange);
    void this.#store?.close();
  }

  /** A run was opened on `state`: a new record unless it continues the current one. */
  opened(state: SessionState, keepRecord: boolean): void {
    if (!keepRecord) this.#recordId = newRecordId();
    this.#lastSession = state;
    this.#lastSavedKey = '';
  }

  /** The latest session the page has seen (the coordinator's answer to `session()`). */
  remember(state: SessionState): void {
    this.#lastSession = state;
  }

  /** For a restart when the coordinator is gone: the last autosave, else how this run started. */
  async lastKnown(): Promise<SessionState | null> {
    return (await this.#store?.get(this.#recordId).catch(() => undefined))?.session ?? this.#lastSession;
  }

  #onPageHide = (): void => void this.autosave();
  #onHashChange = async (): Promise<void> => {
    const param = sessionParam(location.hash);
    if (!param) return;
    try {
      await this.#sandbox.open(await decodeSession(param));
      history.replaceState(null, '', location.pathname + location.search);
      this.notice = { kind: 'ok', text: 'Opened the run shared in this link.' };
    } catch (e) {
      this.notice = { kind: 'error', text: `The link could not be opened: ${message(e)} Your current session is unchanged.` };
    }
  };

  async autosave(): Promise<void> {
    await this.#saveCode();
    const { frame: f, preset, domain, seed } = this.#sandbox;
    const coordinator = this.#sandbox.coordinatorOrNull();
    const key = f ? `${f.seq}:${f.clock.step}` : '';
    if (!this.#store || !preset.id || !coordinator || !f || key === this.#lastSavedKey || f.fault) return;
    try {
      const saved = unwrap(await coordinator.autosave({ id: this.#recordId, name: `${domain.title}, seed ${seed}`, sandbox: preset.id }));
      if (!saved) return;
      this.#lastSavedKey = key;
      this.savedKey = key;
      this.saved = await this.#store.list(preset.id);
    } catch {
      // Storage full or blocked: keep running; the next save tries again.
    }
  }

  /** The learner's code beside the session's record, when it changed (typing does not touch the engine, so the run's key says nothing). */
  async #saveCode(): Promise<void> {
    const code = this.#sandbox.code;
    const key = JSON.stringify([this.#recordId, code ?? null]);
    if (!this.#store || !this.#sandbox.preset.id || key === this.#lastCodeKey) return;
    try {
      await this.#store.putCode(this.#recordId, code);
      this.#lastCodeKey = key;
      this.codeSaved = true;
    } catch {
      // Storage full or blocked: the next save tries again.
    }
  }

  /** The code changed in the editor: not saved until the next autosave. */
  codeEdited(): void {
    this.codeSaved = false;
  }

  async openSaved(id: string): Promise<void> {
    const s = await this.#store?.get(id);
    if (!s) return;
    await this.autosave();
    try {
      await this.#sandbox.open(s.session, { keepRecord: true });
      this.#recordId = s.summary.id;
      this.notice = { kind: 'ok', text: `Opened “${s.summary.name}”.` };
    } catch (e) {
      this.notice = { kind: 'error', text: `That session could not be replayed: ${message(e)} Your current session is unchanged.` };
    }
  }

  async deleteSaved(id: string): Promise<void> {
    const { preset } = this.#sandbox;
    if (!this.#store || !preset.id) return;
    await this.#store.remove(id);
    this.saved = await this.#store.list(preset.id);
    if (id === this.#recordId) this.#recordId = newRecordId();
    this.notice = { kind: 'ok', text: 'Session deleted.' };
  }

  async share(): Promise<void> {
    const encoded = await encodeSession(await this.#sandbox.session());
    if (encoded.length > MAX_LINK_CHARS) {
      this.shareUrl = '';
      this.notice = {
        kind: 'error',
        text: `This run is too long for a link (${encoded.length.toLocaleString('en-US')} characters once compressed). Export it to a file instead.`,
      };
      return;
    }
    // An embedded sandbox shares a link to the full sandbox page, which replays the same run.
    const url = new URL(
      this.#sandbox.preset.readUrl ? location.href : `${import.meta.env.BASE_URL.replace(/\/?$/, '/')}sandbox/`,
      location.href,
    );
    // A shared run opens paused where it stopped, so `?paused` (or any other query) has no business in the link.
    url.search = '';
    url.hash = hashFor(encoded);
    this.shareUrl = url.href;
    try {
      await navigator.clipboard.writeText(url.href);
      this.notice = { kind: 'ok', text: 'Link copied. Opening it replays this run exactly.' };
    } catch {
      this.notice = { kind: 'ok', text: 'Link ready below. Opening it replays this run exactly.' };
    }
  }

  async exportFile(): Promise<{ name: string; text: string }> {
    const session = await this.#sandbox.session();
    const stamp = new Date().toISOString();
    const text = JSON.stringify(toSessionFile(session, `${this.#sandbox.domain.title}, seed ${session.seed}`, stamp), null, 1);
    const name = `cqrs-lab-session-${session.domain}-${stamp.slice(0, 19).replace(/[:T]/g, '-')}.json`;
    this.notice = { kind: 'ok', text: `Exported ${session.script.length} intents to ${name}.` };
    return { name, text };
  }

  async importFile(file: File): Promise<void> {
    let state: SessionState;
    try {
      if (file.size > 50_000_000) throw new SessionFormatError('This file is larger than 50 MB; it is not a session exported from here.');
      state = parseSessionFile(await file.text()).session;
    } catch (e) {
      this.notice = { kind: 'error', text: `${file.name} was refused: ${message(e)} Your current session is unchanged.` };
      this.#sandbox.announce(this.notice.text);
      return;
    }
    await this.autosave();
    try {
      await this.#sandbox.open(state);
      this.notice = { kind: 'ok', text: `Imported ${file.name}: ${state.script.length} intents replayed.` };
    } catch (e) {
      this.notice = { kind: 'error', text: `${file.name} could not be replayed: ${message(e)} Your current session is unchanged.` };
    }
    this.#sandbox.announce(this.notice.text);
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function newRecordId(): string {
  return `s-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
