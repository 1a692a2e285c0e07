import type { DataProvider, GetListParams, GetListResult, RaRecord } from 'react-admin';
import { CursorPages } from './cursor-pages';
import { apiRequest } from './http-client';
import { routesOf, withId, type ResourceRoutes } from './resources';
import { staffActions, type StaffActions } from './staff-actions';

interface Page {
  items: Record<string, unknown>[];
  nextCursor?: string | null;
}

const MAX_PAGE = 100;

/** The one place that speaks the API for react-admin: lists, records, edits, and the staff actions. */
export function createDataProvider(): DataProvider & StaffActions {
  const pages = new CursorPages();

  const getList = async (resource: string, params: GetListParams): Promise<GetListResult<RaRecord>> => {
    const routes = routesOf(resource);
    const page = params.pagination?.page ?? 1;
    const perPage = Math.min(params.pagination?.perPage ?? 25, MAX_PAGE);
    const filter = { ...cleanFilter(params.filter), ...routes.fixedFilter };
    const listKey = JSON.stringify([resource, filter, perPage]);
    const cursor = pages.cursorFor(listKey, page);
    if (cursor === undefined) return { data: [], pageInfo: { hasPreviousPage: page > 1, hasNextPage: false } };
    const query = routes.unpaged ? filter : { ...filter, limit: perPage, cursor };
    const body = await apiRequest<Page>(routes.list, { query });
    pages.remember(listKey, page, body.nextCursor);
    const data = body.items.map((item) => toRecord(routes, item));
    const hasNextPage = Boolean(body.nextCursor);
    // The API does not count; on the last page the total is known, before it react-admin shows "more".
    return {
      data,
      total: hasNextPage ? undefined : (page - 1) * perPage + data.length,
      pageInfo: { hasPreviousPage: page > 1, hasNextPage },
    };
  };

  const getOne = async (resource: string, id: string | number): Promise<RaRecord> => {
    const routes = routesOf(resource);
    if (!routes.one) throw new Error(`The resource ${resource} has no single-record route`);
    const body = await apiRequest<Record<string, unknown>>(withId(routes.one, id));
    return (routes.toRecord?.(body) ?? { ...body, id }) as RaRecord;
  };

  return {
    getList: async (resource, params) => {
      const result = await getList(resource, params);
      return { data: result.data as never[], total: result.total, pageInfo: result.pageInfo };
    },
    getOne: async (resource, params) => ({ data: (await getOne(resource, params.id)) as never }),
    getMany: async (resource, params) => ({
      data: (await Promise.all(params.ids.map((id) => getOne(resource, id)))) as never[],
    }),
    getManyReference: async (resource, params) => {
      const result = await getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } });
      return { data: result.data as never[], pageInfo: result.pageInfo };
    },
    update: async (resource, params) => {
      const routes = routesOf(resource);
      if (!routes.update) throw new Error(`The resource ${resource} cannot be edited here`);
      const body = await apiRequest<Record<string, unknown>>(withId(routes.update, params.id), {
        method: 'PATCH',
        body: changedFields(params.data, params.previousData),
      });
      return { data: toRecord(routes, body) as never };
    },
    create: () => Promise.reject(new Error('Records are created through their own actions')),
    delete: () => Promise.reject(new Error('Nothing is deleted from the back office')),
    deleteMany: () => Promise.reject(new Error('Nothing is deleted from the back office')),
    updateMany: () => Promise.reject(new Error('Records are edited one at a time')),
    ...staffActions,
  };
}

function toRecord(routes: ResourceRoutes, item: Record<string, unknown>): RaRecord {
  const id = routes.idOf?.(item) ?? String(item.id);
  return { ...item, id } as RaRecord;
}

/** react-admin filter values: empty strings and nulls are "no filter". */
function cleanFilter(filter: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter ?? {}).filter(([, value]) => value !== '' && value !== null));
}

/** Only what the form changed goes to a PATCH (the API refuses unknown fields). */
function changedFields(data: Record<string, unknown>, previous: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).filter(
      ([key, value]) => key !== 'id' && JSON.stringify(value) !== JSON.stringify(previous[key]),
    ),
  );
}
