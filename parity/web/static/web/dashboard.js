/* The dashboard's charts: ECharts (vendored, no CDN) drawn from the JSON the page embeds
   with json_script. Every label comes translated from the server; this file holds no text. */
(function () {
  "use strict";

  var palette = ["#1c4f8c", "#2e7d4f", "#a86200", "#b8322a", "#5b86c0", "#7d5ba6",
                 "#3b9a9c", "#c47f2c", "#66717e", "#9db4d6"];

  function base() {
    return {
      color: palette,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      aria: { enabled: true },
      tooltip: { confine: true }
    };
  }

  function number(value) {
    if (value === null || value === undefined) { return "—"; }
    return (Math.round(value * 10) / 10).toFixed(1);
  }

  /* One horizontal bar per child node (long Chinese names stay readable on a phone); a
     click opens the node. Gaps above zero (floating people behind) are red. */
  function bars(spec, el) {
    el.style.height = Math.max(220, 30 * spec.labels.length + 60) + "px";
    var option = base();
    var isGap = spec.max === null;
    option.grid = { left: 8, right: 44, top: 8, bottom: 8, containLabel: true };
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow" };
    option.tooltip.valueFormatter = number;
    option.xAxis = {
      type: "value",
      max: spec.max === null ? undefined : spec.max,
      // Room on the left for the labels of bars below zero.
      min: function (extent) { return extent.min < 0 ? Math.floor(extent.min * 1.25) : 0; }
    };
    option.yAxis = { type: "category", data: spec.labels, inverse: true,
                     axisLabel: { width: 110, overflow: "truncate" } };
    option.series = [{
      type: "bar", name: spec.name, cursor: "pointer", barMaxWidth: 22,
      label: { show: true, formatter: function (p) { return number(p.value); } },
      data: spec.values.map(function (v) {
        var color = isGap ? (v > 0 ? "#b8322a" : "#2e7d4f") : "#1c4f8c";
        return { value: v, itemStyle: { color: color },
                 label: { position: v !== null && v < 0 ? "left" : "right" } };
      })
    }];
    return option;
  }

  function hbars(spec, el) {
    el.style.height = Math.max(220, 26 * spec.labels.length + 40) + "px";
    var option = base();
    option.grid = { left: 8, right: 48, top: 8, bottom: 8, containLabel: true };
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow" };
    option.xAxis = { type: "value", minInterval: 1 };
    option.yAxis = { type: "category", data: spec.labels, inverse: true,
                     axisLabel: { width: 120, overflow: "truncate" } };
    option.series = [{ type: "bar", data: spec.values, barMaxWidth: 18,
                       label: { show: true, position: "right" } }];
    return option;
  }

  function lines(spec) {
    var option = base();
    option.grid = { left: 8, right: 40, top: 36, bottom: 8, containLabel: true };
    option.tooltip.trigger = "axis";
    option.legend = { top: 0, data: spec.series.map(function (s) { return s.name; }) };
    option.xAxis = { type: "category", data: spec.labels, boundaryGap: false,
                     axisLabel: { hideOverlap: true } };
    option.yAxis = { type: "value", minInterval: 1,
                     max: spec.max || undefined,
                     axisLabel: { formatter: spec.percent ? "{value}%" : "{value}" } };
    option.series = spec.series.map(function (s) {
      return { type: "line", name: s.name, data: s.values, symbolSize: 6,
               connectNulls: true, areaStyle: spec.series.length === 1 ? { opacity: 0.08 } : undefined };
    });
    return option;
  }

  function pie(spec) {
    var option = base();
    option.tooltip.trigger = "item";
    option.tooltip.formatter = "{b}: {c} ({d}%)";
    option.legend = { bottom: 0, type: "scroll", itemGap: 8 };
    option.series = [{
      type: "pie", radius: ["34%", "58%"], center: ["50%", "44%"], percentPrecision: 1,
      avoidLabelOverlap: true, minShowLabelAngle: 4, label: { formatter: "{d}%" },
      labelLine: { length: 8, length2: 6 },
      data: spec.labels.map(function (label, i) { return { name: label, value: spec.values[i] }; })
    }];
    return option;
  }

  var builders = { bars: bars, hbars: hbars, lines: lines, pie: pie };

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      if (!spec || !builders[spec.kind]) { return; }
      var option = builders[spec.kind](spec, el);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      if (spec.urls) {
        chart.on("click", function (params) {
          var url = spec.urls[params.dataIndex];
          if (url) { window.location.href = url; }
        });
      }
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  /* Choosing what to compare reloads the page without a click on 查看 (the button stays
     for browsers without scripts). */
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  draw();
  autosubmit();
})();
