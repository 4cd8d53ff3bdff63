/** The OpenRPC document: valid against @open-rpc/meta-schema, generated from the table, and every method's examples run against a live daemon. */
import jsonSchemaMeta from '@json-schema-tools/meta-schema';
import metaSchema from '@open-rpc/meta-schema';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/api/client.ts';
import { rpcSocketPath } from '../../src/api/listen.ts';
import { METHODS } from '../../src/api/rpc/methods.ts';
import { type Daemon, startDaemon } from '../../src/main.ts';
import { eventually } from '../helpers/cli.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';
import { assertNoSecret, MARKERS } from './helpers.ts';

let tree: TestTree;
let daemon: Daemon;
let doc: any;

beforeAll(async () => {
  tree = makeTree(MARKERS);
  addSkill(tree, 'tdd');
  writeStore(tree, [
    { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd'] },
    { name: 'scratch', model: 'kimi-code/kimi-for-coding' },
  ]);
  daemon = await startDaemon(tree.config, tree.env);
  await eventually(() => daemon.api.control.readiness.get().ready, 10_000, 'daemon ready');
  doc = await connect({ socket: rpcSocketPath(tree.paths.socketDir) }).call('rpc.discover');
});
afterAll(async () => {
  await daemon?.stop();
  tree.cleanup();
});

describe('OpenRPC document', () => {
  it('validates against the OpenRPC meta-schema', () => {
    // The OpenRPC meta-schema describes schemas with the json-schema.tools meta-schema (draft-07 based).
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    ajv.addSchema(jsonSchemaMeta as object, 'https://meta.json-schema.tools');
    const validate = ajv.compile(metaSchema as object);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    // The validator does catch a broken document.
    expect(validate({ ...doc, methods: [{ ...doc.methods[0], paramStructure: 'by-keyword' }] })).toBe(false);
  });

  it('lists exactly the table, params by name with one descriptor per key, and the domain errors', () => {
    expect(doc.methods.map((m: any) => m.name)).toEqual(Object.keys(METHODS));
    const upsert = doc.methods.find((m: any) => m.name === 'role_upsert');
    expect(upsert.paramStructure).toBe('by-name');
    expect(upsert.params.map((p: any) => [p.name, p.required])).toEqual([
      ['role', true],
      ['expectedGeneration', false],
    ]);
    expect(upsert.params[0].schema.properties.name.pattern).toBe('^[a-z0-9][a-z0-9_-]{0,62}$');
    expect(upsert.errors).toContainEqual({ $ref: '#/components/errors/conflict' });
    expect(doc.components.errors.timeout.code).toBe(-32004);
    // Params with defaults are optional on the wire (io: input).
    const render = doc.methods.find((m: any) => m.name === 'config_render');
    expect(render.params.find((p: any) => p.name === 'file').required).toBe(false);
  });

  it("runs every method's examples against the live daemon: each answers with a result valid for its schema, and no secret", async () => {
    const client = connect({ socket: rpcSocketPath(tree.paths.socketDir) });
    const ajv = new Ajv({ strict: false });
    const order = (m: any) => (m.name === 'role_delete' ? 1 : 0); // the deleting example last
    let ran = 0;
    for (const method of [...doc.methods].sort((a, b) => order(a) - order(b))) {
      expect(method.examples.length, method.name).toBeGreaterThan(0);
      const validate = ajv.compile(method.result.schema);
      expect(validate(method.examples[0].result.value), `${method.name} example result`).toBe(true);
      for (const ex of method.examples) {
        const params = Object.fromEntries(ex.params.map((p: any) => [p.name, p.value]));
        const result = await client.call(method.name, params);
        expect(validate(result), `${method.name} / ${ex.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        assertNoSecret(JSON.stringify(result));
        ran++;
      }
    }
    expect(ran).toBeGreaterThanOrEqual(doc.methods.length);
  });
});
