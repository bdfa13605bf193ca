#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{e as o,f as t,g as p,h as i,i as s,j as E}from"./chunk-AJEIVX4C.js";import"./chunk-RP2I6RCD.js";import"./chunk-DBKTZJ3U.js";import"./chunk-3QKZT7ZR.js";var e="otlp_http_metric_exporter";var T=class extends o{_url;constructor(r){super(s(E(r??{},"METRICS","v1/metrics",{"Content-Type":"application/x-protobuf"}),p,e,t,r?.selfObsMeterProvider),r),this._url=r?.url}setSelfObsMeterProvider(r){this.setMetrics(i(e,t,this._url,r))}};export{T as OTLPMetricExporter};
