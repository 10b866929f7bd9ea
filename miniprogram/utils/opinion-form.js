// Pure rules of the opinion form: validation and the request body.
const { isMobile } = require('./format')

const MAX_TEXT = 1000
const MIN_TEXT = 5
const MAX_PHOTOS = 9

// form: {category, text, photos: [{status, id}], phoneMode, phone, phoneCode}
// -> {field: message}; empty when the form can be sent.
function validate(form) {
  const errors = {}
  if (!form.category) errors.category = '请选择问题类别'
  const text = (form.text || '').trim()
  if (text.length < MIN_TEXT) errors.text = '请至少写' + MIN_TEXT + '个字，说清楚是什么事、在哪里'
  else if (text.length > MAX_TEXT) errors.text = '内容不能超过' + MAX_TEXT + '个字'
  const photos = form.photos || []
  if (photos.some((p) => p.status === 'uploading')) errors.photos = '照片还在上传，请稍候'
  else if (photos.some((p) => p.status === 'failed')) errors.photos = '有照片上传失败，请点击重试或删除'
  else if (photos.length > MAX_PHOTOS) errors.photos = '最多上传' + MAX_PHOTOS + '张照片'
  if (form.phoneMode === 'typed' && !isMobile(form.phone)) errors.phone = '请填写11位手机号'
  return errors
}

function toBody(form) {
  return {
    station_id: Number(form.stationId),
    deputy_id: form.deputyId ? Number(form.deputyId) : null,
    category: form.category,
    text: form.text.trim(),
    photo_ids: (form.photos || []).filter((p) => p.status === 'done').map((p) => p.id),
    contact_phone: form.phoneMode === 'typed' ? form.phone : null,
    phone_code: form.phoneMode === 'wechat' ? form.phoneCode : null,
    anonymous: !!form.anonymous,
  }
}

// The server's field names -> the form's.
function mapServerFields(fields) {
  const out = {}
  Object.keys(fields || {}).forEach((k) => {
    if (k === 'photo_ids') out.photos = fields[k]
    else if (k === 'contact_phone' || k === 'phone_code') out.phone = fields[k]
    else out[k] = fields[k]
  })
  return out
}

module.exports = { MAX_TEXT, MIN_TEXT, MAX_PHOTOS, validate, toBody, mapServerFields }
