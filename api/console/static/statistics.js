// Draws the statistics page's charts from the figures the server embedded (the same numbers
// as its tables); money arrives as strings (exact decimals) and is charted as numbers.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var lang = document.documentElement.lang === "en" ? 1 : 0;
  var names = [["成交额（元）", "Turnover (CNY)"], ["技术交易额（元）", "Technology transaction amount (CNY)"]];

  function bars(id, summary) {
    var el = document.getElementById(id);
    var rows = summary.rows;
    echarts.init(el, null, { renderer: "canvas" }).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [names[0][lang], names[1][lang]] },
      grid: { left: 90, right: 20, bottom: 60 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.label; }),
               axisLabel: { rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [
        { name: names[0][lang], type: "bar", data: rows.map(function (r) { return Number(r.turnover); }) },
        { name: names[1][lang], type: "bar", data: rows.map(function (r) { return Number(r.transaction_amount); }) }
      ]
    });
  }

  function heatmap(id, flows) {
    var values = flows.cells.map(function (c) { return Number(c[2]); });
    echarts.init(document.getElementById(id), null, { renderer: "canvas" }).setOption({
      animation: false,
      tooltip: { position: "top" },
      grid: { left: 110, right: 20, bottom: 80 },
      xAxis: { type: "category", data: flows.destinations, name: lang ? "Buyer" : "买方" },
      yAxis: { type: "category", data: flows.origins, name: lang ? "Seller" : "卖方" },
      visualMap: { min: 0, max: Math.max.apply(null, values.concat([1])), calculable: true,
                   orient: "horizontal", left: "center", bottom: 0 },
      series: [{ name: names[1][lang], type: "heatmap", label: { show: true },
                 data: flows.cells.map(function (c) { return [c[1], c[0], Number(c[2])]; }) }]
    });
  }

  Object.keys(data.summaries).forEach(function (dim) { bars("chart-" + dim, data.summaries[dim]); });
  heatmap("chart-flows", data.flows);
})();
