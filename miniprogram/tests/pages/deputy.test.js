const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { DEPUTY, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/deputies/12', ok({ deputy: DEPUTY }))
})

test('shows the deputy with levels and stations, home station first', async () => {
  const { comp, page } = loadPage('pages/deputy/deputy', { id: '12' })
  await flush()
  const text = textOf(comp)
  expect(text).toContain('李秀兰')
  expect(text).toContain('市人大代表')
  expect(text).toContain('区人大代表')
  expect(text).toContain('岳麓区第一中学')
  expect(text).toContain('找TA反映')
  const stations = comp.querySelectorAll('.station-item')
  expect(stations).toHaveLength(2)
  expect(textOf(stations[0])).toContain('岳麓街道人大代表联络站')
  expect(textOf(stations[0])).toContain('驻站')
  expect(textOf(stations[1])).toContain('交叉进站')
  expect(page.onShareAppMessage().path).toBe('/pages/index/index?token=Z9y-X8w_V7u6T5s4')
  await tap(comp, '.station-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
})

test('找TA反映 asks which station when the deputy sits in several', async () => {
  fake.answers.actionSheet = () => ({ tapIndex: 1 })
  const { comp } = loadPage('pages/deputy/deputy', { id: '12' })
  await flush()
  await tap(comp, '#summon-btn')
  expect(fake.lastCall('showActionSheet').itemList).toEqual(['岳麓街道人大代表联络站', '桃子湖社区人大代表联络站'])
  expect(fake.lastCall('navigateTo').url).toBe(
    '/pages/submit/submit?station_id=5&station_name=' + encodeURIComponent('桃子湖社区人大代表联络站') +
      '&deputy_id=12&deputy_name=' + encodeURIComponent('李秀兰')
  )
})

test('找TA反映 goes straight to the only station', async () => {
  fake.route('GET', '/api/v1/deputies/12', ok({ deputy: Object.assign({}, DEPUTY, { stations: [DEPUTY.stations[1]] }) }))
  const { comp } = loadPage('pages/deputy/deputy', { id: '12' })
  await flush()
  await tap(comp, '#summon-btn')
  expect(fake.called('showActionSheet')).toHaveLength(0)
  expect(fake.lastCall('navigateTo').url).toContain('/pages/submit/submit?station_id=3&')
})

test('unknown deputy shows the backend message', async () => {
  fake.route('GET', '/api/v1/deputies/99', () => ({ statusCode: 404, data: { error: { code: 'not_found', message: '代表不存在' } } }))
  const { comp } = loadPage('pages/deputy/deputy', { id: '99' })
  await flush()
  expect(textOf(comp)).toContain('代表不存在')
})
