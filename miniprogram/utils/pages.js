// Links to the mini-program's own pages, from config/pages.js (the list the backend
// shares): url('opinion', {id: 41}) -> '/pages/opinion/opinion?id=41'. A page or a
// query key that the list does not name throws, so a typo fails in the tests, not on
// a resident's phone.
const PAGES = require('../config/pages')

/**
 * @param {string} name a key of config/pages.js
 * @param {Object<string, string|number|boolean|null|undefined>} [query]
 * @returns {string}
 */
function url(name, query) {
  const page = PAGES[name]
  if (!page) throw new Error('unknown page: ' + name)
  const parts = []
  Object.keys(query || {}).forEach((key) => {
    if (page.query.indexOf(key) < 0) throw new Error('page ' + name + ' reads no query key ' + key)
    const value = query[key]
    if (value === undefined || value === null || value === '') return
    parts.push(key + '=' + encodeURIComponent(String(value)))
  })
  return '/' + page.path + (parts.length ? '?' + parts.join('&') : '')
}

module.exports = { PAGES, url }
