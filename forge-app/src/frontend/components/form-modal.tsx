import { Button, ButtonGroup, Form, LoadingButton, Modal, ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition, Stack } from '@forge/react';
import React, { type ReactNode } from 'react';
import type { ClearwayError } from '../clearway-client';
import { ErrorNotice } from './states';

/**
 * A dialog holding a form: its fields, the backend's refusal when the last submit failed, and
 * Cancel / the action. Submitting validates in the browser first; nothing is sent while a field
 * says what is wrong.
 */
export function FormModal({
  title,
  submitLabel,
  appearance,
  busy,
  error,
  errorTitle,
  onSubmit,
  onClose,
  width,
  testId,
  isSubmitDisabled,
  children,
}: {
  readonly title: string;
  readonly submitLabel: string;
  readonly appearance?: 'primary' | 'danger' | 'warning' | 'default';
  readonly busy: boolean;
  readonly error?: ClearwayError | undefined;
  readonly errorTitle?: string;
  readonly onSubmit: () => Promise<void> | void;
  readonly onClose: () => void;
  readonly width?: 'small' | 'medium' | 'large' | 'x-large';
  readonly testId: string;
  readonly isSubmitDisabled?: boolean;
  readonly children: ReactNode;
}) {
  return (
    <ModalTransition>
      <Modal onClose={onClose} width={width ?? 'medium'} testId={testId}>
        <Form onSubmit={onSubmit}>
          <ModalHeader>
            <ModalTitle>{title}</ModalTitle>
          </ModalHeader>
          <ModalBody>
            <Stack space="space.150">
              {error ? <ErrorNotice title={errorTitle ?? 'That did not work'} error={error} /> : null}
              {children}
            </Stack>
          </ModalBody>
          <ModalFooter>
            <ButtonGroup>
              <Button appearance="subtle" onClick={onClose}>
                Cancel
              </Button>
              <LoadingButton appearance={appearance ?? 'primary'} type="submit" isLoading={busy} isDisabled={isSubmitDisabled ?? false}>
                {submitLabel}
              </LoadingButton>
            </ButtonGroup>
          </ModalFooter>
        </Form>
      </Modal>
    </ModalTransition>
  );
}

/** A dialog that only shows something (details, a result) and closes. */
export function InfoModal({ title, onClose, testId, width, children }: { readonly title: string; readonly onClose: () => void; readonly testId: string; readonly width?: 'small' | 'medium' | 'large' | 'x-large'; readonly children: ReactNode }) {
  return (
    <ModalTransition>
      <Modal onClose={onClose} width={width ?? 'large'} testId={testId}>
        <ModalHeader>
          <ModalTitle>{title}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <Stack space="space.150">{children}</Stack>
        </ModalBody>
        <ModalFooter>
          <Button appearance="primary" onClick={onClose}>
            Close
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
