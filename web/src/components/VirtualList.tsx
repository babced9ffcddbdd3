/**
 * A fixed-row-height virtual list: renders only the rows in view, so 200k rows scroll smoothly.
 * Keyboard: ↑/↓ or j/k move, PageUp/PageDown, Home/End; Enter activates.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualListProps {
  readonly count: number;
  readonly rowHeight?: number;
  readonly selected?: number;
  readonly onSelect?: (index: number) => void;
  readonly onActivate?: (index: number) => void;
  readonly renderRow: (index: number) => ReactNode;
  readonly label: string;
  readonly className?: string;
  readonly testId?: string;
}

export function VirtualList({ count, rowHeight = 30, selected = -1, onSelect, onActivate, renderRow, label, className, testId }: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Keep the selected row in view.
  useEffect(() => {
    const el = ref.current;
    if (!el || selected < 0) return;
    const top = selected * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [selected, rowHeight]);

  const onKey = useCallback((e: KeyboardEvent<HTMLDivElement>) => {
    if (!onSelect || count === 0) return;
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const cur = selected < 0 ? -1 : selected;
    let next = cur;
    switch (e.key) {
      case 'ArrowDown': case 'j': next = Math.min(count - 1, cur + 1); break;
      case 'ArrowUp': case 'k': next = Math.max(0, cur - 1); break;
      case 'PageDown': next = Math.min(count - 1, cur + page); break;
      case 'PageUp': next = Math.max(0, cur - page); break;
      case 'Home': next = 0; break;
      case 'End': next = count - 1; break;
      case 'Enter': if (cur >= 0) onActivate?.(cur); e.preventDefault(); return;
      default: return;
    }
    e.preventDefault();
    if (next !== cur) onSelect(next);
  }, [onSelect, onActivate, count, selected, height, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 8);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + 8);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="vrow" role="option" aria-selected={i === selected} data-index={i}
        style={{ top: i * rowHeight, height: rowHeight }}
        onClick={() => { onSelect?.(i); onActivate?.(i); }}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div ref={ref} className={`vlist ${className ?? ''}`} tabIndex={0} role="listbox" aria-label={label} data-testid={testId}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} onKeyDown={onKey}>
      <div className="vlist-inner" style={{ height: count * rowHeight }}>{rows}</div>
    </div>
  );
}
