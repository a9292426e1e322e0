import type { AnswerValue, Step } from '../../../shared/dossier/formEngine';

/** What every field component gets: its step, the draft answer, and how to change it. */
export interface FieldProps<S extends Step = Step> {
  step: S;
  value: AnswerValue | undefined;
  onChange(value: AnswerValue): void;
  inputId: string;
  describedBy: string;
  invalid: boolean;
}
