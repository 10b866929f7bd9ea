/* 代表履职档案页面的图表（ECharts，本地提供） */
(function () {
  var r = JSON.parse(document.getElementById('record-data').textContent);
  var c = echarts.init(document.getElementById('chart-months'), null, { renderer: 'canvas' });
  c.setOption({
    // A plain legend wraps on a narrow phone instead of running off the edge.
    tooltip: { trigger: 'axis' },
    legend: { type: 'plain', top: 0, left: 'center', itemWidth: 14, itemGap: 8, textStyle: { fontSize: 12 } },
    grid: { left: 8, right: 12, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: r.months.map(function (m) { return m.month.slice(5) + '月'; }) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [['check_ins', '进站'], ['receptions', '接待'], ['opinions_in', '被点将'], ['in_time', '按期答复']]
      .map(function (s) { return { name: s[1], type: 'bar', data: r.months.map(function (m) { return m[s[0]]; }) }; })
  });
  window.addEventListener('resize', function () { c.resize(); });
})();
