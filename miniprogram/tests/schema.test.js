/**
 * @jest-environment node
 */
// WeChat DevTools' own JSON schemas (miniprogram-ci schemaValidate, offline)
// for app.json, every page and component JSON, project.config.json and
// sitemap.json. Unknown keys (a misspelt option) count as failures too.
const fs = require('fs')
const path = require('path')

const ROOT = path.resolve(__dirname, '..')
const read = (rel) => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'))

let ci
beforeAll(() => {
  const log = console.log
  console.log = () => {} // miniprogram-ci prints a banner when loaded
  try {
    ci = require('miniprogram-ci')
  } finally {
    console.log = log
  }
})

function check(kind, rel) {
  const res = ci.schemaValidate(kind, read(rel))
  return { file: rel, warning: res.warning, error: res.error }
}

const app = read('app.json')
const componentJsons = fs
  .readdirSync(path.join(ROOT, 'components'))
  .map((name) => 'components/' + name + '/' + name + '.json')

test('the validator itself rejects mistakes', () => {
  expect(ci.schemaValidate('page', { enablePullDownRefesh: true }).warning).toContain('enablePullDownRefesh')
  expect(ci.schemaValidate('app', { pages: 'pages/index/index' }).error).toHaveLength(1)
})

test('app.json, project.config.json and sitemap.json', () => {
  const results = [check('app', 'app.json'), check('projectconfig', 'project.config.json'), check('sitemap', 'sitemap.json')]
  results.forEach((r) => expect(r).toEqual({ file: r.file, warning: '', error: [] }))
})

test.each(app.pages.map((p) => p + '.json').concat(componentJsons))('%s', (rel) => {
  const r = check('page', rel)
  expect(r).toEqual({ file: rel, warning: '', error: [] })
})
