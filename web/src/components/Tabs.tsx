/** Top-level view switcher (ARIA tabs, number keys 1..n switch). */
export function Tabs<T extends string>({ tabs, value, onChange }: { tabs: readonly { id: T; label: string }[]; value: T; onChange: (t: T) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t, i) => (
        <button key={t.id} className="tab" role="tab" aria-selected={t.id === value} data-tab={t.id} onClick={() => onChange(t.id)} title={`${t.label} (${i + 1})`}>
          {t.label}
        </button>
      ))}
    </div>
  );
}
