import { Checkbox, DatePicker, ErrorMessage, HelperMessage, Label, RadioGroup, RequiredAsterisk, Select, Stack, TextArea, Textfield, Toggle } from '@forge/react';
import React, { useState } from 'react';
import { inputChecked, inputText, optionValue, optionValues, wholeNumber, type Option } from './format';

/**
 * Labelled form fields. Every field carries a `name` (what tests and screen readers find it by),
 * shows its helper text, and shows its problem in words under it when there is one.
 */
interface FieldFrame {
  readonly name: string;
  readonly label: string;
  readonly helper?: string;
  readonly error?: string;
  readonly isRequired?: boolean;
}

function Frame({ name, label, helper, error, isRequired, children }: FieldFrame & { readonly children: React.ReactNode }) {
  return (
    <Stack space="space.050">
      <Label labelFor={name}>
        {label}
        {isRequired ? <RequiredAsterisk /> : null}
      </Label>
      {children}
      {helper ? <HelperMessage>{helper}</HelperMessage> : null}
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
    </Stack>
  );
}

export function TextField(
  props: FieldFrame & { readonly value: string; readonly onChange: (value: string) => void; readonly type?: 'text' | 'number' | 'password' | 'url'; readonly placeholder?: string; readonly isDisabled?: boolean },
) {
  const { name, value, onChange, type, placeholder, isDisabled, error, isRequired } = props;
  return (
    <Frame {...props}>
      <Textfield
        id={name}
        name={name}
        value={value}
        type={type ?? 'text'}
        isInvalid={error !== undefined}
        isRequired={isRequired ?? false}
        isDisabled={isDisabled ?? false}
        {...(placeholder !== undefined && { placeholder })}
        onChange={(event) => onChange(inputText(event))}
      />
    </Frame>
  );
}

export function TextAreaField(props: FieldFrame & { readonly value: string; readonly onChange: (value: string) => void; readonly placeholder?: string }) {
  const { name, value, onChange, placeholder, error, isRequired } = props;
  return (
    <Frame {...props}>
      <TextArea
        id={name}
        name={name}
        value={value}
        isInvalid={error !== undefined}
        isRequired={isRequired ?? false}
        {...(placeholder !== undefined && { placeholder })}
        onChange={(event) => onChange(inputText(event))}
      />
    </Frame>
  );
}

export function SelectField(
  props: FieldFrame & {
    readonly options: readonly Option[];
    readonly value: string | undefined;
    readonly onChange: (value: string | undefined) => void;
    readonly placeholder?: string;
    readonly isClearable?: boolean;
    readonly isLoading?: boolean;
  },
) {
  const { name, options, value, onChange, placeholder, isClearable, isLoading, error, isRequired } = props;
  return (
    <Frame {...props}>
      <Select
        inputId={name}
        name={name}
        options={[...options]}
        value={options.find((option) => option.value === value) ?? null}
        isInvalid={error !== undefined}
        isRequired={isRequired ?? false}
        isClearable={isClearable ?? false}
        isLoading={isLoading ?? false}
        {...(placeholder !== undefined && { placeholder })}
        onChange={(option: unknown) => onChange(optionValue(option))}
      />
    </Frame>
  );
}

/** A multi Select; `onSearch` makes it ask the backend as the person types (people, groups). */
export function MultiSelectField(
  props: FieldFrame & {
    readonly options: readonly Option[];
    readonly values: readonly string[];
    readonly onChange: (values: string[]) => void;
    readonly onSearch?: (query: string) => void;
    readonly placeholder?: string;
    readonly isLoading?: boolean;
  },
) {
  const { name, options, values, onChange, onSearch, placeholder, isLoading, error } = props;
  return (
    <Frame {...props}>
      <Select
        inputId={name}
        name={name}
        isMulti
        options={[...options]}
        value={values.map((value) => options.find((option) => option.value === value) ?? { label: value, value })}
        isInvalid={error !== undefined}
        isLoading={isLoading ?? false}
        {...(placeholder !== undefined && { placeholder })}
        {...(onSearch && { onInputChange: (query: string) => onSearch(query) })}
        onChange={(chosen: unknown) => onChange(optionValues(chosen))}
      />
    </Frame>
  );
}

export function CheckboxField({ name, label, checked, onChange, isDisabled }: { readonly name: string; readonly label: string; readonly checked: boolean; readonly onChange: (checked: boolean) => void; readonly isDisabled?: boolean }) {
  return <Checkbox id={name} name={name} label={label} isChecked={checked} isDisabled={isDisabled ?? false} onChange={(event) => onChange(inputChecked(event))} />;
}

export function ToggleField(props: FieldFrame & { readonly checked: boolean; readonly onChange: (checked: boolean) => void }) {
  const { name, checked, onChange } = props;
  return (
    <Frame {...props}>
      <Toggle id={name} name={name} isChecked={checked} onChange={(event) => onChange(inputChecked(event))} />
    </Frame>
  );
}

/** A date as `YYYY-MM-DD` (the DatePicker's value). */
export function DateField(props: FieldFrame & { readonly value: string; readonly onChange: (value: string) => void }) {
  const { name, value, onChange, error } = props;
  return (
    <Frame {...props}>
      <DatePicker id={name} name={name} value={value} isInvalid={error !== undefined} dateFormat="YYYY-MM-DD" onChange={(next: string) => onChange(next)} />
    </Frame>
  );
}

export function RadioField(props: FieldFrame & { readonly options: readonly Option[]; readonly value: string | undefined; readonly onChange: (value: string) => void }) {
  const { name, options, value, onChange, error } = props;
  return (
    <Frame {...props}>
      <RadioGroup name={name} options={[...options]} isInvalid={error !== undefined} {...(value !== undefined && { value })} onChange={(event) => onChange(inputText(event))} />
    </Frame>
  );
}

/**
 * A whole number within bounds. It keeps what the admin typed, says what is wrong with it, and
 * hands on only valid numbers; `onProblem` lets the form hold its save while one is wrong.
 */
export function NumberField(
  props: FieldFrame & {
    readonly value: number | undefined;
    readonly min: number;
    readonly max: number;
    readonly onChange: (value: number | undefined) => void;
    readonly onProblem?: (name: string, problem: string | undefined) => void;
    readonly placeholder?: string;
  },
) {
  const { name, value, min, max, onChange, onProblem, isRequired } = props;
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const problemOf = (raw: string): string | undefined => {
    if (raw.trim() === '') return isRequired ? `Enter a whole number from ${min} to ${max}.` : undefined;
    const parsed = wholeNumber(raw);
    return parsed === undefined || parsed < min || parsed > max ? `Enter a whole number from ${min} to ${max}.` : undefined;
  };
  const problem = problemOf(text) ?? props.error;
  return (
    <TextField
      {...props}
      type="number"
      value={text}
      error={problem}
      onChange={(raw) => {
        setText(raw);
        const found = problemOf(raw);
        onProblem?.(name, found);
        if (found === undefined) onChange(raw.trim() === '' ? undefined : wholeNumber(raw));
      }}
    />
  );
}

/** Collects the names of fields that currently say something is wrong, so a form can hold its save. */
export function useFieldProblems(): { readonly any: boolean; readonly report: (name: string, problem: string | undefined) => void; readonly clear: () => void } {
  const [problems, setProblems] = useState<ReadonlySet<string>>(new Set());
  return {
    any: problems.size > 0,
    report: (name, problem) =>
      setProblems((before) => {
        if ((problem !== undefined) === before.has(name)) return before;
        const next = new Set(before);
        if (problem === undefined) next.delete(name);
        else next.add(name);
        return next;
      }),
    clear: () => setProblems(new Set()),
  };
}
