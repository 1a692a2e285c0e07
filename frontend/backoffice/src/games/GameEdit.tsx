import type { ReactNode } from 'react';
import { Edit, SimpleForm, TextInput } from 'react-admin';

/** Staff edits of a game; an edited provider field becomes staff-owned and survives the catalogue sync. */
export function GameEdit(): ReactNode {
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm>
        <TextInput source="title" />
        <TextInput source="category" />
        <TextInput source="thumbnailUrl" />
      </SimpleForm>
    </Edit>
  );
}
