#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
var n=["always","on-change","never"],m=[...n,"auto"];function s(e){return e==="auto"?"always":e}function a(e,o,r){return e==="never"?!1:e==="always"?!0:o.some(t=>t==="increase"||t==="decrease")||r.some(t=>t.over)}function u(e){return`ml-footprint: no PR comment (comment: on-change and the change is ${e}, no budget over); the numbers are in the job summary`}export{m as a,s as b,a as c,u as d};
