"""Constants shared by the notification tests (the fixtures live in conftest.py)."""

SEND = "/cgi-bin/message/subscribe/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
TOKEN = "/cgi-bin/stable_token"
LONG_TEXT = ("小区东门的路灯已经坏了三个多月，晚上出行很不方便，老人孩子容易摔倒，"
             "希望有关部门尽快维修。\n联系人：张先生")
