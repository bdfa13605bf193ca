#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{a,b,c,d,e,k as f}from"./chunk-AJEIVX4C.js";import"./chunk-RP2I6RCD.js";import"./chunk-DBKTZJ3U.js";import"./chunk-3QKZT7ZR.js";export{a as AggregationTemporalityPreference,b as CumulativeTemporalitySelector,c as DeltaTemporalitySelector,d as LowMemoryTemporalitySelector,f as OTLPMetricExporter,e as OTLPMetricExporterBase};
