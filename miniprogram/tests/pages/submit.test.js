const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire, wxmlOf } = require('../helpers/page')
const { CATEGORIES, TEMPLATES, OPINION, INTAKE_TAKEN, INTAKE_REGISTERED, INTAKE_REFUSED, ok } = require('../helpers/fixtures')

const OPTIONS = {
  station_id: '3',
  station_name: encodeURIComponent('岳麓街道人大代表联络站'),
  deputy_id: '12',
  deputy_name: encodeURIComponent('李秀兰'),
}
const TEXT = '麓山南路与阜埠河路口的红绿灯时长太短，老人过马路来不及。'

let fake
let uploads
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  uploads = 0
  fake.route('GET', '/api/v1/opinion-categories', ok(CATEGORIES))
  fake.route('GET', '/api/v1/notifications/templates', ok(TEMPLATES))
  fake.route('POST', '/api/v1/notifications/consents', ok({ ok: true }))
  fake.route('POST', '/api/v1/uploads', () => {
    uploads += 1
    return { statusCode: 201, data: { id: 'up-' + uploads, url: '/uploads/up-' + uploads + '.jpg' } }
  })
  fake.route('POST', '/api/v1/opinions', ok({ opinion: OPINION }, 201))
})

async function fillForm(comp) {
  await fire(comp, '#category-picker', 'change', { value: '1' })
  await fire(comp, '#text-input', 'input', { value: TEXT })
}

test('renders the target and the live length counter', async () => {
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  const text = textOf(comp)
  expect(text).toContain('岳麓街道人大代表联络站')
  expect(text).toContain('指定代表：李秀兰')
  expect(text).toContain('0/1000')
  await fire(comp, '#text-input', 'input', { value: '路灯坏了' })
  expect(textOf(comp)).toContain('4/1000')
  expect(comp.querySelector('.counter.main--over')).toBeFalsy()
  await fire(comp, '#category-picker', 'change', { value: '0' })
  expect(textOf(comp)).toContain('交通出行')
})

test('validation messages in Chinese, nothing is sent', async () => {
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fire(comp, '#text-input', 'input', { value: '短' })
  await fire(comp, '#phone-input', 'input', { value: '1380000' })
  await tap(comp, '#submit-btn')
  const text = textOf(comp)
  expect(text).toContain('请选择问题类别')
  expect(text).toContain('请至少写5个字')
  expect(text).toContain('请填写11位手机号')
  expect(fake.called('requestSubscribeMessage')).toHaveLength(0)
  expect(fake.requestsTo('POST', '/api/v1/opinions')).toHaveLength(0)
})

test('full submit: photos, WeChat phone, anonymity, subscribe consent from the tap, idempotency key', async () => {
  fake.answers.chooseMedia = () => ({
    tempFiles: [{ tempFilePath: 'wxfile://tmp/a.jpg' }, { tempFilePath: 'wxfile://tmp/b.jpg' }],
  })
  fake.answers.subscribe = (ids) => ({ errMsg: 'requestSubscribeMessage:ok', [ids[0]]: 'accept', [ids[1]]: 'reject', [ids[2]]: 'ban' })
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fillForm(comp)
  await tap(comp, '#add-photo')
  expect(fake.lastCall('chooseMedia')).toMatchObject({ count: 9, mediaType: ['image'] })
  await flush()
  expect(comp.querySelectorAll('.photo-item')).toHaveLength(3) // two photos + the add tile
  expect(comp.data.photos.map((p) => p.id)).toEqual(['up-1', 'up-2'])
  expect(fake.called('uploadFile').map((u) => u.name)).toEqual(['file', 'file'])

  await fire(comp, '#phone-btn', 'getphonenumber', { code: 'phone-code-abc', errMsg: 'getPhoneNumber:ok' })
  expect(textOf(comp)).toContain('将使用您微信绑定的手机号')
  await fire(comp, '#anonymous-switch', 'change', { value: true })

  await tap(comp, '#submit-btn')
  await flush()

  // The subscribe dialog came first, straight from the tap, with at most 3 ids.
  const askIndex = fake.calls.findIndex((c) => c.name === 'requestSubscribeMessage')
  const postIndex = fake.calls.findIndex((c) => c.name === 'request' && /\/api\/v1\/opinions$/.test(c.arg.url))
  expect(askIndex).toBeGreaterThan(-1)
  expect(askIndex).toBeLessThan(postIndex)
  expect(fake.lastCall('requestSubscribeMessage').tmplIds).toEqual(['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'])
  expect(fake.requestsTo('GET', '/api/v1/notifications/templates')[0].query).toEqual({ audience: 'resident', moment: 'progress' })
  const consents = fake.requestsTo('POST', '/api/v1/notifications/consents')
  expect(consents).toHaveLength(1)
  expect(consents[0].data).toEqual({ results: { 'tmpl-replied': 'accept', 'tmpl-accepted': 'reject', 'tmpl-progress': 'ban' } })

  const sent = fake.requestsTo('POST', '/api/v1/opinions')
  expect(sent).toHaveLength(1)
  expect(sent[0].header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
  expect(sent[0].data).toEqual({
    station_id: 3,
    deputy_id: 12,
    category: 'environment',
    text: TEXT,
    photo_ids: ['up-1', 'up-2'],
    contact_phone: null,
    phone_code: 'phone-code-abc',
    anonymous: true,
  })
  expect(fake.lastCall('redirectTo').url).toBe('/pages/opinion/opinion?id=41&created=1')
  // Draft and key are gone after success.
  expect(fake.storage.has('draft:s3-d12')).toBe(false)
  expect(fake.storage.has('idem:s3-d12')).toBe(false)
})

test('a lost answer keeps the draft and the key; the retry reuses the key', async () => {
  let attempt = 0
  fake.route('POST', '/api/v1/opinions', () => {
    attempt += 1
    return attempt === 1 ? { fail: 'request:fail timeout' } : { statusCode: 200, data: { opinion: OPINION } }
  })
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fillForm(comp)
  await fire(comp, '#phone-input', 'input', { value: '13800001234' })
  await tap(comp, '#submit-btn')
  await flush()
  expect(textOf(comp)).toContain('网络不可用，请检查网络后重试')
  expect(textOf(comp)).toContain('重新提交不会重复登记')
  expect(fake.storage.get('draft:s3-d12')).toMatchObject({ category: 'environment', text: TEXT, phone: '13800001234' })

  // The person closes the app and comes back: the draft is restored.
  const again = loadPage('pages/submit/submit', OPTIONS).comp
  await flush()
  expect(again.data.text).toBe(TEXT)
  expect(again.data.categoryIndex).toBe(1)
  await tap(again, '#submit-btn')
  await flush()
  const keys = fake.requestsTo('POST', '/api/v1/opinions').map((r) => r.header['Idempotency-Key'])
  expect(keys).toHaveLength(2)
  expect(keys[1]).toBe(keys[0])
  expect(fake.requestsTo('POST', '/api/v1/opinions')[1].data.contact_phone).toBe('13800001234')
  expect(fake.lastCall('redirectTo').url).toBe('/pages/opinion/opinion?id=41&created=1')
})

test('the subscribe dialog is requested synchronously inside the tap handler', async () => {
  const { comp, page } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fillForm(comp)
  page.onSubmitTap()
  // No await: WeChat only honours the call while the tap is being handled.
  expect(fake.called('requestSubscribeMessage')).toHaveLength(1)
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/opinions')).toHaveLength(1)
})

test('no templates: no dialog, the opinion is still sent', async () => {
  fake.route('GET', '/api/v1/notifications/templates', ok({ items: [] }))
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fillForm(comp)
  await tap(comp, '#submit-btn')
  await flush()
  expect(fake.called('requestSubscribeMessage')).toHaveLength(0)
  expect(fake.requestsTo('POST', '/api/v1/notifications/consents')).toHaveLength(0)
  expect(fake.requestsTo('POST', '/api/v1/opinions')).toHaveLength(1)
})

test('server field errors are shown next to the fields', async () => {
  fake.route('POST', '/api/v1/opinions', () => ({
    statusCode: 422,
    data: { error: { code: 'validation_error', message: '请检查填写的内容', details: { fields: { text: ['内容包含不当信息'] } } } },
  }))
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fillForm(comp)
  await tap(comp, '#submit-btn')
  await flush()
  expect(comp.querySelector('.error-text')).toBeTruthy()
  expect(textOf(comp)).toContain('内容包含不当信息')
  expect(textOf(comp)).toContain('请检查填写的内容')
  expect(comp.data.submitting).toBe(false)
})

test('a failed photo upload blocks submit until retried or removed', async () => {
  let fail = true
  fake.route('POST', '/api/v1/uploads', () =>
    fail ? { statusCode: 413, data: { error: { code: 'payload_too_large', message: '图片太大' } } } : { statusCode: 201, data: { id: 'up-9', url: '/uploads/up-9.jpg' } }
  )
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fillForm(comp)
  await tap(comp, '#add-photo')
  await flush()
  expect(textOf(comp)).toContain('上传失败，点此重试')
  await tap(comp, '#submit-btn')
  expect(textOf(comp)).toContain('有照片上传失败')
  expect(fake.requestsTo('POST', '/api/v1/opinions')).toHaveLength(0)
  fail = false
  await tap(comp, '.photo-retry')
  await flush()
  expect(comp.data.photos[0]).toMatchObject({ status: 'done', id: 'up-9' })
  await tap(comp, '.photo-remove')
  expect(comp.data.photos).toHaveLength(0)
})

test('a refused phone number falls back to typing', async () => {
  const { comp } = loadPage('pages/submit/submit', OPTIONS)
  await flush()
  await fire(comp, '#phone-btn', 'getphonenumber', { errMsg: 'getPhoneNumber:fail user deny' })
  expect(fake.lastCall('showToast').title).toBe('未获取手机号，可手动填写')
  expect(comp.data.phoneMode).toBe('none')
})

test('the WXML uses WeChat\'s phone button and the privacy popup', () => {
  const wxml = wxmlOf('pages/submit/submit')
  expect(wxml).toMatch(/<button id="phone-btn"[^>]*open-type="getPhoneNumber"[^>]*bindgetphonenumber="onGetPhoneNumber"/)
  expect(wxml).toMatch(/<textarea id="text-input"[^>]*maxlength="\{\{maxText\}\}"/)
  expect(wxml).toContain('<privacy-popup>')
})

describe('a busy moment: the opinion is taken (202) and registered a moment later', () => {
  async function submitTaken(answers) {
    fake.route('POST', '/api/v1/opinions', ok(INTAKE_TAKEN, 202))
    let asked = 0
    fake.route('GET', '/api/v1/opinion-intakes/7', () => {
      const answer = answers[Math.min(asked, answers.length - 1)]
      asked += 1
      return { statusCode: 200, data: answer }
    })
    const { comp, page } = loadPage('pages/submit/submit', OPTIONS)
    page.intakePollMs = 0
    await flush()
    await fillForm(comp)
    await tap(comp, '#submit-btn')
    await flush(80)
    return { comp, asked: () => asked }
  }

  test('asks until it is registered, then opens the opinion', async () => {
    const { asked } = await submitTaken([INTAKE_TAKEN, INTAKE_TAKEN, INTAKE_REGISTERED])
    expect(asked()).toBe(3)
    expect(fake.called('showLoading').map((c) => c.title)).toContain('已收到，正在登记')
    expect(fake.lastCall('redirectTo').url).toBe('/pages/opinion/opinion?id=41&created=1')
    expect(fake.storage.has('draft:s3-d12')).toBe(false)
  })

  test('refused on registration: the reason shows by its field and the draft stays', async () => {
    const { comp } = await submitTaken([INTAKE_TAKEN, INTAKE_REFUSED])
    expect(textOf(comp)).toContain('联络站不存在或已停用')
    expect(fake.called('redirectTo')).toHaveLength(0)
    expect(comp.data.submitting).toBe(false)
    expect(comp.data.errors.station_id).toBe('联络站不存在或已停用')
    expect(fake.storage.get('draft:s3-d12')).toMatchObject({ text: TEXT })
  })

  test('still pending after half a minute: told it is received and taken to 我的反映', async () => {
    const { asked } = await submitTaken([INTAKE_TAKEN])
    expect(asked()).toBe(30)
    expect(fake.lastCall('showModal').content).toContain('不必重新提交')
    expect(fake.lastCall('switchTab').url).toBe('/pages/opinions/opinions')
    expect(fake.called('redirectTo')).toHaveLength(0)
    expect(fake.storage.has('draft:s3-d12')).toBe(false)
  })
})
