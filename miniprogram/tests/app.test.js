// Project structure, the App() definition, and every page of app.json
// rendered at least once (with an empty backend) so no WXML is left untested.
const fs = require('fs')
const path = require('path')
const { createFakeWx, withLogin, flush } = require('./helpers/fake-wx')
const { loadPage, resetApp, ROOT } = require('./helpers/page')

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const exists = (rel) => fs.existsSync(path.join(ROOT, rel))

describe('structure', () => {
  test.each(app.pages)('%s has its four files and resolvable components', (page) => {
    ;['.js', '.json', '.wxml', '.wxss'].forEach((ext) => expect(exists(page + ext)).toBe(true))
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, page + '.json'), 'utf8'))
    Object.values(json.usingComponents || {}).forEach((c) => {
      expect(c.startsWith('/')).toBe(true)
      expect(exists(c.slice(1) + '.json')).toBe(true)
    })
  })

  test('every tab page is a page; every page has a test file', () => {
    app.tabBar.list.forEach((t) => expect(app.pages).toContain(t.pagePath))
    app.pages.forEach((p) => expect(exists('tests/pages/' + path.basename(p) + '.test.js')).toBe(true))
  })

  test('no WXS or templates the simulator cannot render, no remote resources', () => {
    const files = []
    const walk = (dir) =>
      fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).forEach((d) => {
        const rel = dir + '/' + d.name
        if (d.isDirectory()) walk(rel)
        else if (/\.(wxml|wxss)$/.test(d.name)) files.push(rel)
      })
    walk('pages')
    walk('components')
    files.push('app.wxss')
    files.forEach((f) => {
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8')
      expect([f, /<(wxs|template|import|include)\b/.test(src)]).toEqual([f, false])
      expect([f, /(src|url)\s*[=(]\s*["']?https?:/.test(src)]).toEqual([f, false])
    })
  })
})

describe('App()', () => {
  test('onLaunch installs the privacy listener and logs in once', async () => {
    const fake = withLogin(createFakeWx())
    global.wx = fake
    let def
    global.App = (d) => {
      def = d
    }
    jest.isolateModules(() => require('../app'))
    def.onLaunch({ scene: 1011, query: {} })
    await flush()
    expect(fake.called('onNeedPrivacyAuthorization')).toHaveLength(1)
    expect(fake.storage.get('auth_token')).toBe('token-1')
    expect(def.globalData).toEqual({ lastStation: null })
  })
})

describe('every page renders', () => {
  test.each(app.pages)('%s', async (route) => {
    resetApp()
    const fake = withLogin(createFakeWx())
    global.wx = fake
    // Every list comes back empty, every object lookup 404s.
    fake.route('GET', /.*/, (r) =>
      /\/(stations|opinions|messages|appointments|opinion-categories|templates)$/.test(r.path)
        ? { statusCode: 200, data: { items: [], total: 0, page: 1, per_page: 20 } }
        : { statusCode: 404, data: { error: { code: 'not_found', message: '内容不存在' } } }
    )
    const { comp } = loadPage(route, { id: '1', station_id: '1' })
    await flush()
    const root = comp.dom.firstElementChild
    expect(root).toBeTruthy()
    expect(root.className).toMatch(/\bmain--page\b/)
    expect(comp.dom.textContent.trim().length).toBeGreaterThan(0)
  })
})
