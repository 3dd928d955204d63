import { InternalServerError } from '../../shared/http/errors';
import { StateConflictError, TemplateNotFoundError } from './errors';
import type { Permissions } from './permissions';
import type { TemplateStore } from './ports';
import type { TemplateListQuery } from './template-query';
import {
  parseTemplateCreate,
  parseTemplatePatch,
  templateResource,
  type TemplateField,
  type TemplateRecord,
} from './templates';

/** Builds the URLs the JSON:API documents link to, from the URL the request arrived at. */
export interface TemplateLinks {
  self(id: string): string;
  /** The collection URL with these query parameters. */
  collection(query: Readonly<Record<string, string>>): string;
}

export interface TemplateLibraryDependencies {
  readonly templates: TemplateStore;
  readonly now: () => Date;
  readonly newId: () => string;
}

/** Packager templates as the original's JSON:API `/templates` endpoints serve them. */
export class TemplateLibrary {
  constructor(private readonly deps: TemplateLibraryDependencies) {}

  async list(permissions: Permissions, query: TemplateListQuery, links: TemplateLinks) {
    permissions.require('read', 'template', { 'target-account-id': query.owner });
    let after: TemplateRecord | undefined;
    if (query.cursor !== undefined) {
      after = await this.deps.templates.get(query.cursor);
      // A cursor is the id of a template this listing returned; anything else has nothing after it.
      if (!after || after.owner !== query.owner) throw new TemplateNotFoundError(query.cursor);
    }
    const page = await this.deps.templates.list(query.owner, {
      states: query.states,
      ...(query.resourceName !== undefined ? { resourceName: query.resourceName } : {}),
      ...(after ? { after } : {}),
      limit: query.size,
    });
    const last = page.items[page.items.length - 1];
    const filters: Record<string, string> = {
      'filter[template][owner]': query.owner,
      ...(query.resourceName !== undefined ? { 'filter[template][resource_name]': query.resourceName } : {}),
      'filter[template][state]': query.states.join(','),
      ...(query.fields ? { 'filter[template]': query.fields.join(',') } : {}),
      'page[size]': String(query.size),
    };
    return {
      data: page.items.map((record) => templateResource(record, query.fields, links.self(record.id))),
      links: {
        self: links.collection({ ...filters, ...(query.cursor ? { 'page[cursor]': query.cursor } : {}) }),
        ...(page.more && last ? { next: links.collection({ ...filters, 'page[cursor]': last.id }) } : {}),
      },
    };
  }

  async create(
    permissions: Permissions,
    document: unknown,
    fields: readonly TemplateField[] | undefined,
    links: TemplateLinks,
  ) {
    const draft = parseTemplateCreate(document);
    permissions.require('write', 'template', { 'target-account-id': draft.owner });
    const now = this.deps.now().toISOString();
    const record: TemplateRecord = {
      id: this.deps.newId(),
      ...draft,
      state: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    if ((await this.deps.templates.create(record)) === 'name-taken') throw nameTaken(record);
    return { data: templateResource(record, fields, links.self(record.id)) };
  }

  async get(permissions: Permissions, id: string, fields: readonly TemplateField[] | undefined, links: TemplateLinks) {
    const record = await this.find(id);
    permissions.require('read', 'template', { 'target-account-id': record.owner });
    return { data: templateResource(record, fields, links.self(id)) };
  }

  async update(
    permissions: Permissions,
    id: string,
    document: unknown,
    fields: readonly TemplateField[] | undefined,
    links: TemplateLinks,
  ) {
    const current = await this.find(id);
    permissions.require('write', 'template', { 'target-account-id': current.owner });
    const patch = parseTemplatePatch(document, current);
    if (current.state === 'DELETED') throw new StateConflictError(`Template ${id} is deleted and cannot be changed`);
    const next: TemplateRecord = {
      ...current,
      ...patch,
      updatedAt: this.deps.now().toISOString(),
      version: current.version + 1,
    };
    await this.replace(next, current);
    return { data: templateResource(next, fields, links.self(id)) };
  }

  /** Soft delete: the name is free again, the template stays readable by id and listable as DELETED. */
  async remove(
    permissions: Permissions,
    id: string,
    fields: readonly TemplateField[] | undefined,
    links: TemplateLinks,
  ) {
    const current = await this.find(id);
    permissions.require('write', 'template', { 'target-account-id': current.owner });
    if (current.state === 'DELETED') return { data: templateResource(current, fields, links.self(id)) };
    const now = this.deps.now().toISOString();
    const next: TemplateRecord = {
      ...current,
      state: 'DELETED',
      updatedAt: now,
      deletedAt: now,
      version: current.version + 1,
    };
    await this.replace(next, current);
    return { data: templateResource(next, fields, links.self(id)) };
  }

  private async replace(next: TemplateRecord, current: TemplateRecord): Promise<void> {
    const outcome = await this.deps.templates.replace(next, current);
    if (outcome === 'name-taken') throw nameTaken(next);
    if (outcome === 'changed')
      throw new StateConflictError(`Template ${next.id} changed while this request ran; retry`);
    if (outcome !== 'replaced') throw new InternalServerError(`Unexpected template write outcome ${String(outcome)}`);
  }

  private async find(id: string): Promise<TemplateRecord> {
    const record = await this.deps.templates.get(id);
    if (!record) throw new TemplateNotFoundError(id);
    return record;
  }
}

function nameTaken(record: TemplateRecord): StateConflictError {
  return new StateConflictError(`A template named "${record.resourceName}" already exists for owner ${record.owner}`, {
    pointer: '/data/attributes/resource_name',
  });
}
