const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire } = require('../helpers/page')

const STATION = {
  id: 3, name: '岳麓街道人大代表联络站', kind: 'central', address: '岳麓大道1号',
  region: { id: 7, name: '岳麓街道', path: '长沙市/岳麓区/岳麓街道' }, code_token: 'Kx3pQ9vT2mWb7nRc',
}

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/stations', (req) => ({
    statusCode: 200,
    data: { items: req.query.q === '无此站' ? [] : [STATION], total: req.query.q === '无此站' ? 0 : 1, page: 1, per_page: 20 },
  }))
})

test('plain-URL code in options.q opens the station page', async () => {
  fake.route('GET', '/api/v1/codes/Kx3pQ9vT2mWb7nRc', () => ({
    statusCode: 200, data: { kind: 'station', token: 'Kx3pQ9vT2mWb7nRc', station: STATION },
  }))
  const { comp } = loadPage('pages/index/index', {
    q: 'https%3A%2F%2Fliaison.example.gov.cn%2Fs%2FKx3pQ9vT2mWb7nRc', scancode_time: '1764057600',
  })
  expect(textOf(comp)).toContain('正在打开')
  await flush()
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
  expect(fake.requestsTo('GET', '/api/v1/codes/Kx3pQ9vT2mWb7nRc')[0].header.Authorization).toBeUndefined()
  expect(textOf(comp)).toContain('岳麓街道人大代表联络站')
})

test('directory lists and searches stations', async () => {
  const { comp } = loadPage('pages/index/index', {})
  await flush()
  expect(textOf(comp)).toContain('岳麓街道人大代表联络站')
  expect(textOf(comp)).toContain('长沙市/岳麓区/岳麓街道')
  await fire(comp, '#search-input', 'input', { value: '无此站' })
  await fire(comp, '#search-input', 'confirm', { value: '无此站' })
  expect(fake.requests[fake.requests.length - 1].query.q).toBe('无此站')
  expect(textOf(comp)).toContain('没有找到联络站')
  await tap(comp, '#search-clear')
  await tap(comp, '.station-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
})
