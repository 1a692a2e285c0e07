import { Checkbox, FormControl, FormControlLabel, FormGroup, FormLabel } from '@mui/material';
import type { ReactNode } from 'react';

/** Catalogue entries as checkboxes labelled by their titles; `selected` holds their names in the order picked. */
export function NameCheckboxes({
  label,
  entries,
  selected,
  disabled,
  onChange,
}: {
  label: string;
  entries: readonly { name: string; title: string; description?: string }[];
  selected: readonly string[];
  disabled: boolean;
  onChange: (names: string[]) => void;
}): ReactNode {
  const toggle = (name: string, checked: boolean): void =>
    onChange(checked ? [...selected, name] : selected.filter((candidate) => candidate !== name));
  return (
    <FormControl component="fieldset" disabled={disabled}>
      <FormLabel component="legend">{label}</FormLabel>
      <FormGroup row>
        {entries.map((entry) => (
          <FormControlLabel
            key={entry.name}
            title={entry.description}
            label={entry.title}
            control={
              <Checkbox
                size="small"
                checked={selected.includes(entry.name)}
                onChange={(event) => toggle(entry.name, event.target.checked)}
              />
            }
          />
        ))}
      </FormGroup>
    </FormControl>
  );
}
