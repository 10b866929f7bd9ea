const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire } = require('../helpers/page')
const { CONSULTATION, CONSULTATION_COMMENT, TEMPLATES, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/consultations/5', ok({ consultation: CONSULTATION }))
  fake.route('POST', '/api/v1/consultations/5/comments', ok(CONSULTATION_COMMENT, 201))
})

test('shows the draft article by article, with my comments and why one was hidden', async () => {
  const { comp } = loadPage('pages/consultation/consultation', { id: '5' })
  await flush()
  const text = textOf(comp)
  expect(text).toContain('岳麓区文明行为促进条例（草案）')
  expect(text).toContain('征集中')
  expect(text).toContain('已收到意见 3 条')
  expect(text).toContain('第一章 总则')
  expect(text).toContain('第一条')
  expect(text).toContain('为了促进文明行为，制定本条例。')
  expect(text).toContain('意见 2 条')
  expect(text).toContain('我提出的意见（1）')
  expect(text).toContain('已隐藏：与草案无关')
  expect(comp.querySelectorAll('.article')).toHaveLength(2)
  expect(comp.querySelectorAll('.chapter')).toHaveLength(1) // a chapter heads its first article only
})

test('comments on one article, asking for the later messages from the tap', async () => {
  fake.route('GET', '/api/v1/notifications/templates', ok(TEMPLATES))
  const { comp } = loadPage('pages/consultation/consultation', { id: '5' })
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/notifications/templates')[0].query).toEqual({ audience: 'resident', moment: 'consulted' })
  await tap(comp, '.article-btn')
  expect(textOf(comp)).toContain('对第一条提意见')
  await tap(comp, '#comment-send')
  expect(textOf(comp)).toContain('请填写您的意见（至少 2 个字）')
  expect(fake.requestsTo('POST', '/api/v1/consultations/5/comments')).toHaveLength(0)
  await fire(comp, '#comment-input', 'input', { value: '  建议写明立法依据。 ' })
  await tap(comp, '#comment-send')
  await flush()
  const sent = fake.requestsTo('POST', '/api/v1/consultations/5/comments')
  expect(sent).toHaveLength(1)
  expect(sent[0].data).toEqual({ article: 1, text: '建议写明立法依据。' })
  expect(fake.called('requestSubscribeMessage')).toHaveLength(1)
  expect(fake.lastCall('showToast').title).toBe('感谢您的意见')
  expect(comp.data.form).toBe(null)
})

test('comments on the whole draft; a refusal stays in the form', async () => {
  fake.route('POST', '/api/v1/consultations/5/comments', () => ({
    statusCode: 409, data: { error: { code: 'consultation_not_open', message: '意见征集已经结束' } },
  }))
  const { comp } = loadPage('pages/consultation/consultation', { id: '5' })
  await flush()
  await tap(comp, '#comment-whole')
  expect(textOf(comp)).toContain('对草案整体提意见')
  await fire(comp, '#comment-input', 'input', { value: '整体很好' })
  await tap(comp, '#comment-send')
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/consultations/5/comments')[0].data).toEqual({ article: null, text: '整体很好' })
  expect(textOf(comp)).toContain('意见征集已经结束')
  expect(comp.data.form.submitting).toBe(false)
})

test('a closed consultation shows what became of it and takes no comments', async () => {
  const closed = Object.assign({}, CONSULTATION, { state: 'closed', state_label: '已结束', can_comment: false,
    outcome: { text: '采纳了关于居民小区的建议。', at: '2027-01-10T09:00:00+08:00' } })
  fake.route('GET', '/api/v1/consultations/5', ok({ consultation: closed }))
  const { comp } = loadPage('pages/consultation/consultation', { id: '5' })
  await flush()
  expect(textOf(comp)).toContain('意见采纳情况')
  expect(textOf(comp)).toContain('采纳了关于居民小区的建议。')
  expect(textOf(comp)).toContain('意见征集已结束')
  expect(comp.querySelectorAll('.article-btn')).toHaveLength(0)
  expect(comp.querySelectorAll('#comment-whole')).toHaveLength(0)
})
