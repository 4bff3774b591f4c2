// CodeMirror 6, loaded only by the code editor (a dynamic import from the
// practice page): JavaScript highlighting, the site's colours, a label for
// screen readers, and diagnostics drawn at the learner's line.
import { javascript } from '@codemirror/lang-javascript';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';

export interface Marker {
  line: number;
  column?: number;
  message: string;
}

export interface MountedEditor {
  view: EditorView;
  setText(text: string): void;
  /** Shows the markers (replacing earlier ones); an empty list clears them. */
  mark(markers: readonly Marker[]): void;
  focusLine(line: number): void;
  destroy(): void;
}

const theme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--code-bg)',
    color: 'var(--fg)',
    fontSize: '0.9rem',
    border: '1px solid var(--border)',
    borderRadius: 'var(--radius)',
  },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '2px' },
  '.cm-content': { fontFamily: 'var(--font-mono)', caretColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-soft)', color: 'var(--fg-muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--accent-soft)' },
  // The editor grows with its text and wraps long lines, so it never scrolls on its own (a scroll region with no focusable stop fails axe).
  '.cm-scroller': { minHeight: '18rem' },
});

// The site's own colours for the code (basicSetup's default highlight colours fail contrast on the dark theme
// and on the active line): each passes 4.5:1 on --code-bg and --accent-soft in both themes (strings are --ok
// moved a fifth towards --fg, which --ok alone misses on the light active line).
const highlight = HighlightStyle.define([
  { tag: tags.comment, color: 'var(--fg-muted)', fontStyle: 'italic' },
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword, tags.operatorKeyword], color: 'var(--accent)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'color-mix(in srgb, var(--ok) 80%, var(--fg))' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--danger)' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], fontWeight: '600' },
  { tag: tags.invalid, color: 'var(--danger)', textDecoration: 'underline' },
]);

export function mountEditor(
  parent: HTMLElement,
  options: { text: string; label: string; describedBy?: string; onChange(text: string): void },
): MountedEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        basicSetup,
        javascript(),
        syntaxHighlighting(highlight),
        theme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          'aria-label': options.label,
          ...(options.describedBy ? { 'aria-describedby': options.describedBy } : {}),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  const position = (line: number, column?: number) => {
    const doc = view.state.doc;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return Math.min(l.from + Math.max((column ?? 1) - 1, 0), l.to);
  };

  return {
    view,
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    mark(markers) {
      const diagnostics: Diagnostic[] = markers.map((m) => {
        const from = position(m.line, m.column);
        const lineEnd = view.state.doc.lineAt(from).to;
        return { from, to: Math.max(from, lineEnd), severity: 'error', message: m.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    focusLine(line) {
      const at = position(line);
      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
