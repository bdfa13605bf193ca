#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
var r=["always","on-change","never"],a=[...r,"auto"];function s(e){return e==="auto"?"always":e}function m(e,o,n){return e==="never"?!1:e==="always"?!0:o.some(t=>t==="increase"||t==="decrease")||n.some(t=>t.over)}function u(e){return`ml-footprint: no PR comment (comment: on-change and the change is ${e}, no budget over); the numbers are in the job summary`}export{a,s as b,m as c,u as d};
