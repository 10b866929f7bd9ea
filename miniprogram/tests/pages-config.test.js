// config/pages.js is the one list of pages and the query keys each reads, shared with the
// backend (server/liaison/notifications/pages.py): it must agree with app.json and with
// what the pages' code reads from its options.
const fs = require('fs')
const path = require('path')
const PAGES = require('../config/pages')
const { url } = require('../utils/pages')

const ROOT = path.resolve(__dirname, '..')
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))

// The option keys a page reads: <param>.<key> in its own JS, where <param> is onLoad's
// argument, plus opts.<key> in a local module it hands the whole options to
// (the index page gives them to utils/entry.js parseEntryOptions).
function optionReads(pagePath) {
  const file = path.join(ROOT, pagePath + '.js')
  const own = fs.readFileSync(file, 'utf8')
  const onLoad = own.match(/onLoad\((\w+)\)/)
  if (!onLoad) return null
  const param = onLoad[1]
  const reads = new Set([...own.matchAll(new RegExp('\\b' + param + '\\.(\\w+)', 'g'))].map((m) => m[1]))
  const modules = {}
  for (const m of own.matchAll(/const (\w+) = require\('(\.\.?\/[^']+)'\)/g)) modules[m[1]] = path.resolve(path.dirname(file), m[2] + '.js')
  for (const m of own.matchAll(new RegExp('(\\w+)\\.\\w+\\(' + param + '\\)', 'g'))) {
    if (!modules[m[1]]) continue
    const lib = fs.readFileSync(modules[m[1]], 'utf8')
    for (const r of lib.matchAll(/\bopts\.(\w+)/g)) reads.add(r[1])
  }
  return reads
}

test('pages.js lists exactly the pages of app.json', () => {
  expect(Object.values(PAGES).map((p) => p.path).sort()).toEqual(APP.pages.slice().sort())
})

test('pages.js stays plain JSON after module.exports (the backend parses it so)', () => {
  const text = fs.readFileSync(path.join(ROOT, 'config', 'pages.js'), 'utf8')
  const body = text.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n')
  const json = body.replace(/^\s*module\.exports\s*=\s*/, '').replace(/;?\s*$/, '')
  expect(JSON.parse(json)).toEqual(PAGES)
})

test.each(Object.keys(PAGES))('page %s reads the query keys pages.js gives it, and no other', (name) => {
  const reads = optionReads(PAGES[name].path)
  expect(reads ? [...reads].sort() : []).toEqual(PAGES[name].query.slice().sort())
})

test('links are built from the list, and a key it does not name throws', () => {
  expect(url('opinion', { id: 41, created: 1 })).toBe('/pages/opinion/opinion?id=41&created=1')
  expect(url('submit', { station_id: 3, station_name: '望月湖 站' })).toBe(
    '/pages/submit/submit?station_id=3&station_name=' + encodeURIComponent('望月湖 站'))
  expect(url('messages')).toBe('/pages/messages/messages')
  expect(() => url('opinion', { opinion_id: 41 })).toThrow('reads no query key')
  expect(() => url('bookings')).toThrow('unknown page')
})
