// Every page of the mini-program and the query keys it reads (options.<key> in onLoad).
// The one list that the backend and the mini-program share:
// - the backend (server/liaison/notifications/pages.py) names these pages in subscribe
//   messages and checks each against app.json;
// - the mini-program builds its links with utils/pages.js from it.
// WeChat's require() loads .js modules only (a .json file cannot be required), so this is
// a module, but what follows "module.exports =" must stay plain JSON: double quotes, no
// comments, no trailing commas. tests/notifications/test_pages.py and
// miniprogram/tests/pages-config.test.js hold it against app.json and the pages' code.
module.exports = {
  "index": {"path": "pages/index/index", "query": ["token", "q", "scene"]},
  "station": {"path": "pages/station/station", "query": ["id"]},
  "deputy": {"path": "pages/deputy/deputy", "query": ["id"]},
  "submit": {"path": "pages/submit/submit", "query": ["station_id", "station_name", "deputy_id", "deputy_name"]},
  "opinions": {"path": "pages/opinions/opinions", "query": []},
  "opinion": {"path": "pages/opinion/opinion", "query": ["id", "created"]},
  "rate": {"path": "pages/rate/rate", "query": ["id"]},
  "messages": {"path": "pages/messages/messages", "query": []},
  "settings": {"path": "pages/settings/settings", "query": []},
  "appointments": {"path": "pages/appointments/appointments", "query": []},
  "deputy_me": {"path": "pages/deputy-me/deputy-me", "query": []},
  "workbench": {"path": "pages/workbench/workbench", "query": []},
  "deputy_opinion": {"path": "pages/deputy-opinion/deputy-opinion", "query": ["id"]},
  "duty": {"path": "pages/duty/duty", "query": []},
  "suggestions": {"path": "pages/suggestions/suggestions", "query": []},
  "consultation": {"path": "pages/consultation/consultation", "query": ["id"]}
}
