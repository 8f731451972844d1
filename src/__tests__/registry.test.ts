import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IModelVersion, IModelVersionDetails, IRun, TrackerAPI } from '../api';
import {
  columnFromId,
  defaultColumns,
  MODELS_COLUMN_ID,
  withModelVersions
} from '../columns';
import {
  comparedPair,
  ModelsModel,
  modelSearchFilter
} from '../model/ModelsModel';
import { RunVersionsModel } from '../model/RunVersionsModel';
import {
  diffRows,
  ISignature,
  runVersionsFilter,
  shellWord,
  signatureDiff,
  versionsByRun,
  versionSnippets
} from '../registry';

const RUN_A = 'a'.repeat(32);
const RUN_B = 'b'.repeat(32);

function version(name: string, number: string, runId: string | null) {
  return { name, version: number, run_id: runId } as IModelVersion;
}

function run(id: string): IRun {
  return {
    info: { run_id: id, run_name: id.slice(0, 3) },
    data: { params: {}, metrics: {}, tags: {} }
  } as unknown as IRun;
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('versionSnippets', () => {
  it('loads by version with mlflow and jt and serves by the first alias', () => {
    const [mlflow, jt, serve] = versionSnippets(
      'churn',
      '3',
      ['champion', 'prod'],
      'http://localhost:8888/tracker'
    );
    assert.match(
      mlflow.code,
      /mlflow\.pyfunc\.load_model\("models:\/churn\/3"\)/
    );
    assert.match(jt.code, /jt\.load_model\("models:\/churn\/3"\)/);
    assert.match(serve.code, /mlflow models serve -m models:\/churn@champion /);
    assert.match(
      serve.code,
      /MLFLOW_TRACKING_URI=http:\/\/localhost:8888\/tracker/
    );
  });

  it('serves by version without an alias, and quotes a hostile name', () => {
    const hostile = `x"); import os; os.system('rm -rf ~') #`;
    const [mlflow, , serve] = versionSnippets(hostile, '1', [], 'http://h/t');
    // Inside one Python string literal: the quote is escaped, nothing breaks out.
    assert.ok(
      mlflow.code.includes(
        `load_model(${JSON.stringify(`models:/${hostile}/1`)})`
      )
    );
    assert.ok(serve.code.includes(`-m ${shellWord(`models:/${hostile}/1`)} `));
    assert.equal(shellWord("it's"), `'it'\\''s'`);
    assert.equal(shellWord('models:/a/1'), 'models:/a/1');
  });
});

describe('versions of runs', () => {
  it('lists each run’s versions by name and number', () => {
    const byRun = versionsByRun([
      version('churn', '10', RUN_A),
      version('churn', '4', RUN_A),
      version('alpha', '1', RUN_A),
      version('churn', '5', RUN_B),
      version('orphan', '1', null)
    ]);
    assert.deepEqual(
      byRun.get(RUN_A)!.map(v => `${v.name} v${v.version}`),
      ['alpha v1', 'churn v4', 'churn v10']
    );
    assert.equal(byRun.size, 2);
  });

  it('asks with one run_id IN filter, quotes escaped', () => {
    assert.equal(
      runVersionsFilter([RUN_A, "x'y"]),
      `run_id IN ('${RUN_A}', 'x\\'y')`
    );
  });

  it('the Models column shows and links each version, and is a default only with versions', () => {
    const bound = withModelVersions([columnFromId(MODELS_COLUMN_ID)!], id =>
      id === RUN_A ? [{ name: 'churn', version: '3' }] : []
    );
    assert.equal(bound[0].render(run(RUN_A), 0), 'churn v3');
    assert.deepEqual(bound[0].links!(run(RUN_A)), [
      { label: 'churn v3', place: { modelName: 'churn', version: '3' } }
    ]);
    assert.deepEqual(bound[0].links!(run(RUN_B)), []);
    const ids = (withVersions: boolean) =>
      defaultColumns([run(RUN_A)], [], withVersions).map(c => c.id);
    assert.deepEqual(ids(true), [MODELS_COLUMN_ID]);
    assert.deepEqual(ids(false), []);
  });

  it('RunVersionsModel asks once per run, in one request per batch of runs', async () => {
    const asked: string[][] = [];
    const api = {
      modelVersionsOfRuns: async (ids: string[]) => {
        asked.push(ids);
        return ids.includes(RUN_A) ? [version('churn', '1', RUN_A)] : [];
      }
    } as unknown as TrackerAPI;
    const model = new RunVersionsModel(api);
    await model.setRuns([RUN_A]);
    await model.setRuns([RUN_A, RUN_B]);
    assert.deepEqual(asked, [[RUN_A], [RUN_B]]);
    assert.deepEqual(model.versionsOf(RUN_A), [
      { name: 'churn', version: '1' }
    ]);
    assert.equal(model.hasVersions, true);
    await model.reload();
    assert.deepEqual(asked[2], [RUN_A, RUN_B]);
    model.dispose();
  });
});

describe('comparing two versions', () => {
  it('marks the rows whose sides differ', () => {
    assert.deepEqual(
      diffRows({ lr: '0.1', seed: '1' }, { lr: '0.2', seed: '1', d: '3' }),
      [
        { key: 'd', values: [null, '3'], differs: true },
        { key: 'lr', values: ['0.1', '0.2'], differs: true },
        { key: 'seed', values: ['1', '1'], differs: false }
      ]
    );
  });

  it('diffs signatures part by part, unnamed fields by position', () => {
    const a: ISignature = {
      inputs: [
        { name: 'tenure', type: 'double', required: true },
        { name: 'plan', type: 'string', required: true }
      ],
      outputs: [{ name: null, type: 'long', required: true }],
      params: null
    };
    const b: ISignature = {
      inputs: [{ name: 'tenure', type: 'double', required: false }],
      outputs: [{ name: null, type: 'long', required: true }],
      params: [{ name: 't', type: 'double', required: true, default: '0.5' }]
    };
    const rows = signatureDiff(a, b);
    assert.deepEqual(
      rows.map(r => [r.key, ...r.values, r.differs]),
      [
        ['inputs.plan', 'string', null, true],
        ['inputs.tenure', 'double', 'double (optional)', true],
        ['outputs.#1', 'long', 'long', false],
        ['params.t', null, 'double = 0.5', true]
      ]
    );
    assert.deepEqual(signatureDiff(null, null), []);
  });

  it('picks two versions in version order, else none', () => {
    assert.deepEqual(comparedPair(['12', '3']), ['3', '12']);
    assert.equal(comparedPair(['1']), null);
    assert.equal(comparedPair(['1', '2', '3']), null);
  });
});

describe('ModelsModel', () => {
  it('escapes the search box into the filter', () => {
    assert.equal(modelSearchFilter('  '), '');
    assert.equal(modelSearchFilter("o'k"), "name ILIKE '%o\\'k%'");
  });

  it('drops the answer of a place left meanwhile and reloads after an edit', async () => {
    let release: (d: IModelVersionDetails) => void = () => undefined;
    const calls: string[] = [];
    const details = (v: string) =>
      ({ model_version: version('churn', v, RUN_A) }) as IModelVersionDetails;
    const api = {
      modelVersionDetails: (name: string, v: string) => {
        calls.push(`details ${v}`);
        return v === '1'
          ? new Promise<IModelVersionDetails>(r => (release = r))
          : Promise.resolve(details(v));
      },
      setModelAlias: async (name: string, alias: string, v: string) => {
        calls.push(`alias ${alias} ${v}`);
      }
    } as unknown as TrackerAPI;
    const model = new ModelsModel({
      api,
      refreshSeconds: 60,
      isVisible: () => false
    });
    const first = model.setPlace({
      view: 'version',
      name: 'churn',
      version: '1'
    });
    await model.setPlace({ view: 'version', name: 'churn', version: '2' });
    release(details('1'));
    await first;
    assert.equal(model.details[0].model_version.version, '2');
    await model.setAlias('churn', 'champion', '2');
    assert.deepEqual(calls.slice(-2), ['alias champion 2', 'details 2']);
    await settle();
    model.dispose();
  });

  it('keeps a failed edit’s error for the view and shows the place again', async () => {
    const api = {
      modelVersionDetails: async () =>
        ({
          model_version: version('churn', '1', null)
        }) as IModelVersionDetails,
      setModelAlias: async () => {
        throw new Error('Invalid alias');
      }
    } as unknown as TrackerAPI;
    const model = new ModelsModel({
      api,
      refreshSeconds: 60,
      isVisible: () => false
    });
    await model.setPlace({ view: 'version', name: 'churn', version: '1' });
    await assert.rejects(
      model.setAlias('churn', 'latest', '1'),
      /Invalid alias/
    );
    assert.equal(model.details.length, 1);
    model.dispose();
  });
});
