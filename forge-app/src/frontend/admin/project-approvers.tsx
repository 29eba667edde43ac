import type { GovernanceRules } from '@clearway/core';
import { Box, Button, Heading, Inline, Stack, Text, xcss } from '@forge/react';
import React, { useState } from 'react';
import type { ClearwayError } from '../clearway-client';
import { SelectField, TextField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { PeopleField } from '../components/people-field';
import { useClearway } from '../components/use-clearway';
import { accountProblem, emptyProjectProblem, listedProjects, projectKeyProblem } from './approver-routing';
import type { GovernanceDraft } from './governance-draft';

const ROW = xcss({ borderColor: 'color.border', borderStyle: 'solid', borderWidth: 'border.width', borderRadius: 'radius.medium', padding: 'space.150' });

/** Picks a project (a service project from Jira, or a typed key) and its first approvers. */
function AddProjectModal({ listed, onClose, onAdd }: { readonly listed: readonly string[]; readonly onClose: () => void; readonly onAdd: (projectKey: string, accountIds: string[]) => void }) {
  const { state } = useClearway('lookup.serviceDesks', {});
  const [chosen, setChosen] = useState<string>();
  const [typed, setTyped] = useState('');
  const [people, setPeople] = useState<string[]>([]);
  const [problems, setProblems] = useState<Partial<Record<'project' | 'people', string>>>({});
  const desks = state.status === 'ready' ? state.data : [];
  const options = [...new Map(desks.filter((desk) => !listed.includes(desk.projectKey)).map((desk) => [desk.projectKey, { label: `${desk.projectName} (${desk.projectKey})`, value: desk.projectKey }])).values()];
  const submit = () => {
    const projectKey = typed.trim() !== '' ? typed.trim().toUpperCase() : (chosen ?? '');
    const found = { project: projectKeyProblem(projectKey, listed), people: people.length === 0 ? 'Choose at least one approver.' : undefined };
    setProblems(found);
    if (found.project === undefined && found.people === undefined) onAdd(projectKey, people);
  };
  return (
    <FormModal title="Add a project's approvers" submitLabel="Add project" busy={false} onSubmit={submit} onClose={onClose} testId="project-approvers-modal">
      <SelectField
        name="newProject"
        label="Service project"
        placeholder="Choose a service project"
        options={options}
        value={chosen}
        isClearable
        isLoading={state.status === 'loading'}
        {...(state.status === 'error' && { error: `Service projects could not be listed: ${state.error.message} Type the project key instead.` })}
        onChange={setChosen}
      />
      <TextField name="newProjectKey" label="Or a project key" placeholder="AIR" helper="For a project not listed above." value={typed} onChange={setTyped} error={problems.project} />
      <PeopleField name="newProjectApprovers" label="Approvers" helper="They decide this project's requests instead of the default approvers." accountIds={people} onChange={setPeople} error={problems.people} />
    </FormModal>
  );
}

/**
 * Approvers per project: a project listed here sends its requests to its own approvers (and their
 * delegates) instead of the default ones. Add, change or remove a project's list.
 */
export function ProjectApprovers({ rules, edit, error }: { readonly rules: GovernanceRules; readonly edit: GovernanceDraft['edit']; readonly error: ClearwayError | undefined }) {
  const [adding, setAdding] = useState(false);
  const projects = listedProjects(rules);
  const setProject = (projectKey: string, ids: string[] | undefined) =>
    edit((current) => {
      const rest = Object.entries(current.approvers.byProject).filter(([key]) => key !== projectKey);
      return { ...current, approvers: { ...current.approvers, byProject: Object.fromEntries(ids === undefined ? rest : [...rest, [projectKey, ids]]) } };
    });
  return (
    <Stack space="space.100">
      <Heading size="small">Approvers by project</Heading>
      {projects.length === 0 ? <Text>No project has its own approvers: the approvers above decide requests from every project.</Text> : null}
      {projects.map((projectKey) => {
        const ids = rules.approvers.byProject[projectKey] ?? [];
        const problem = ids.length === 0 ? emptyProjectProblem(projectKey) : accountProblem(error, `approvers.byProject.${projectKey}`, ids);
        return (
          <Box key={projectKey} xcss={ROW} testId={`project-${projectKey}`}>
            <Stack space="space.100">
              <PeopleField
                name={`projectApprovers-${projectKey}`}
                label={`${projectKey} approvers`}
                helper={`Decide requests from ${projectKey}${projectKey === rules.intake.projectKey ? ' (the intake project)' : ''} instead of the default approvers.`}
                accountIds={ids}
                onChange={(next) => setProject(projectKey, next)}
                error={problem}
              />
              <Inline>
                <Button appearance="subtle" testId={`remove-project-${projectKey}`} onClick={() => setProject(projectKey, undefined)}>
                  {`Remove ${projectKey}: use the default approvers`}
                </Button>
              </Inline>
            </Stack>
          </Box>
        );
      })}
      <Inline>
        <Button onClick={() => setAdding(true)}>Add project approvers</Button>
      </Inline>
      {adding ? (
        <AddProjectModal
          listed={projects}
          onClose={() => setAdding(false)}
          onAdd={(projectKey, ids) => {
            setProject(projectKey, ids);
            setAdding(false);
          }}
        />
      ) : null}
    </Stack>
  );
}
