const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { DEPUTY_OPINION, DEPUTY_OPINION_NOTED, DEPUTY_USER, ok, fail } = require('../helpers/fixtures')
const PAGES = require('../../config/pages')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx(), DEPUTY_USER)
  global.wx = fake
  fake.route('GET', '/api/v1/opinions/60', ok({ opinion: DEPUTY_OPINION }))
})

// A 点将 message opens the page config/pages.js names for it, with the message's query:
// the deputy reads the opinion and adds a note, which the timeline then shows.
test('a deputy taps a 点将 message, reads the opinion and adds a note', async () => {
  const link = PAGES.deputy_opinion.path + '?id=' + DEPUTY_OPINION.id // what the backend's message carries
  const [route, query] = link.split('?')
  const options = Object.fromEntries(new URLSearchParams(query))
  const { comp } = loadPage(route, options)
  await flush()
  const text = textOf(comp)
  expect(text).toContain('编号 LL-2026-000060')
  expect(text).toContain('望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险，希望尽快修好。')
  expect(text).toContain('居民张阿姨')
  expect(text).toMatch(/点将代表 ?李秀兰/)
  expect(comp.querySelector('#suggestion-btn')).toBeFalsy() // not allowed in this state

  fake.route('POST', '/api/v1/opinions/60/transitions', ok({ opinion: DEPUTY_OPINION_NOTED }))
  await tap(comp, '#note-btn')
  expect(textOf(comp)).toContain('请填写备注内容') // nothing typed: nothing sent
  expect(fake.requestsTo('POST', '/api/v1/opinions/60/transitions')).toHaveLength(0)

  comp.instance.onInput({ currentTarget: { dataset: { field: 'note' } }, detail: { value: ' 已电话联系反映人，周五去现场看 ' } })
  await tap(comp, '#note-btn')
  await flush()
  const [sent] = fake.requestsTo('POST', '/api/v1/opinions/60/transitions')
  expect(sent.data).toEqual({ action: 'note', version: 1, note: '已电话联系反映人，周五去现场看' })
  expect(fake.lastCall('showToast').title).toBe('备注已添加')
  expect(textOf(comp)).toContain('已电话联系反映人，周五去现场看') // in the timeline now
  expect(comp.data.form.note).toBe('')
})

test('urging sends the chosen method; a changed opinion (409) is said and reloaded', async () => {
  const { comp, page } = loadPage('pages/deputy-opinion/deputy-opinion', { id: '60' })
  await flush()
  await tap(comp, '#urge-btn')
  expect(textOf(comp)).toContain('请选择督办方式')
  page.onUrgeMethod({ detail: { value: '0' } })
  fake.route('POST', '/api/v1/opinions/60/transitions', fail(409, { error: { code: 'stale_version', message: '意见已被他人更新，请刷新后重试' } }))
  await tap(comp, '#urge-btn')
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/opinions/60/transitions')[0].data).toEqual({ action: 'urge', version: 1, method: 'phone' })
  expect(textOf(comp)).toContain('意见已被他人更新，请刷新后重试')
  expect(fake.requestsTo('GET', '/api/v1/opinions/60')).toHaveLength(2)
})

test('转为闭会期间代表建议 where the workflow allows it', async () => {
  fake.route('GET', '/api/v1/opinions/60', ok({ opinion: Object.assign({}, DEPUTY_OPINION, { state: 'accepted', allowed_actions: ['urge', 'note', 'to_suggestion'] }) }))
  fake.route('POST', '/api/v1/opinions/60/transitions', ok({ opinion: DEPUTY_OPINION_NOTED }))
  const { comp, page } = loadPage('pages/deputy-opinion/deputy-opinion', { id: '60' })
  await flush()
  page.onInput({ currentTarget: { dataset: { field: 'title' } }, detail: { value: '关于老旧小区公共照明维护的建议' } })
  await tap(comp, '#suggestion-btn')
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/opinions/60/transitions')[0].data).toEqual(
    { action: 'to_suggestion', version: 1, title: '关于老旧小区公共照明维护的建议' })
  expect(fake.lastCall('showToast').title).toBe('已转为代表建议')
})

test('an opinion the deputy may not see: the backend message is shown', async () => {
  fake.route('GET', '/api/v1/opinions/7', fail(404, { error: { code: 'not_found', message: '意见不存在或无权查看' } }))
  const { comp } = loadPage('pages/deputy-opinion/deputy-opinion', { id: '7' })
  await flush()
  expect(textOf(comp)).toContain('意见不存在或无权查看')
})
