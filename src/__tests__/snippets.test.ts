import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { firstRunSnippets, pythonString } from '../snippets';

describe('firstRunSnippets', () => {
  it('offers jt, mlflow and %%track code for the experiment', () => {
    const snippets = firstRunSnippets('mnist/cnn', 'http://h:1/lab/tracker');
    assert.deepEqual(
      snippets.map(s => s.id),
      ['jt', 'mlflow', 'magic']
    );
    const [jt, mlflow, magic] = snippets.map(s => s.cells.join('\n'));
    assert.match(jt, /import jupyterlab_tracker as jt/);
    assert.match(jt, /jt\.set_experiment\("mnist\/cnn"\)/);
    assert.match(jt, /with jt\.start_run\(\):/);
    assert.match(
      mlflow,
      /mlflow\.set_tracking_uri\("http:\/\/h:1\/lab\/tracker"\)/
    );
    assert.match(magic, /%tracker_experiment mnist\/cnn/);
    // A cell magic must open its own cell.
    assert.ok(snippets[2].cells[1].startsWith('%%track'));
  });

  it('keeps a hostile name inside the string literal and on one line', () => {
    const name = 'x")\nimport os; os.system("rm -rf /")  # \\';
    const snippets = firstRunSnippets(name, 'http://h/tracker');
    assert.ok(
      snippets[0].cells[0].includes(`jt.set_experiment(${pythonString(name)})`)
    );
    assert.equal(pythonString(name).includes('\n'), false);
    const magicLine = snippets[2].cells[0].split('\n')[1];
    assert.ok(magicLine.startsWith('%tracker_experiment x")'));
    assert.equal(snippets[2].cells[0].split('\n').length, 2);
  });
});
