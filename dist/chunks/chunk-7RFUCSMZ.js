#!/usr/bin/env node
import{createRequire as __mlfCreateRequire}from'node:module';const require=__mlfCreateRequire(import.meta.url);
import{A as m,a as t,m as e}from"./chunk-ZAW2ZEBO.js";import{a as o}from"./chunk-CG3D54E7.js";function R(i,r,n,p,s,u,d){let a=m({key:i,reports:[{head:r,comparison:n,history:p}],budgets:s,baseRef:u,baseSha:d,toolVersion:o,...t([r])});return e(a)}export{R as a};
