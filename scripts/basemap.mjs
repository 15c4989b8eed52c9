#!/usr/bin/env node
// Builds the offline basemap under ui/public/basemap/ (ADR 0007) from two npm data packages:
//   land and country borders: world-atlas (Natural Earth 1:10m, public domain);
//   lakes around Pirkanmaa:   @geo-maps/earth-lakes-100m (OpenStreetMap, ODbL 1.0).
// The output is committed; run again only to change the extent or the detail:
//   node scripts/basemap.mjs
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'ui', 'public', 'basemap');

/** Land and borders: Finland and its neighbours' nearby parts. [west, south, east, north] */
const COUNTRY_BOX = [17.5, 58.6, 33.0, 70.2];
/** Lakes: Pirkanmaa with some margin (Tampere 23.76 E, 61.50 N). */
const LAKE_BOX = [22.1, 60.85, 25.5, 62.55];
/** Douglas-Peucker tolerance in metres, smallest lake kept (km²), decimals kept (5 ≈ 1 m). */
const LAND_TOLERANCE_M = 400;
const LAKE_TOLERANCE_M = 35;
const MIN_LAKE_KM2 = 0.08;
const DECIMALS = 5;
const COUNTRIES = { 246: 'FI', 752: 'SE', 578: 'NO', 233: 'EE', 643: 'RU' };

// ---- TopoJSON (world-atlas) to GeoJSON rings, without a dependency --------------------------

function decodeArcs(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
}

function ringOf(arcs, indexes) {
  const ring = [];
  for (const i of indexes) {
    const arc = i < 0 ? [...arcs[~i]].reverse() : arcs[i];
    ring.push(...(ring.length ? arc.slice(1) : arc));
  }
  return ring;
}

// ---- Geometry helpers -------------------------------------------------------------------------

const M_PER_DEG = 111_320;

/** Douglas-Peucker on a ring or line in a local metric projection (lon scaled by cos(lat)). */
function simplify(points, toleranceM) {
  if (points.length <= 4) return points;
  const k = Math.cos((points[0][1] * Math.PI) / 180);
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  const tol2 = (toleranceM / M_PER_DEG) ** 2;
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = [points[a][0] * k, points[a][1]];
    const [bx, by] = [points[b][0] * k, points[b][1]];
    let worst = -1;
    let worstD = tol2;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = [points[i][0] * k, points[i][1]];
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
      const d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2;
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst > 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Area of a ring in km² (equirectangular, fine at this scale). */
function areaKm2(ring) {
  const k = Math.cos((ring[0][1] * Math.PI) / 180);
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] * k + ring[i][0] * k) * (ring[j][1] - ring[i][1]);
  }
  return (Math.abs(sum / 2) * M_PER_DEG * M_PER_DEG) / 1e6;
}

/** Sutherland-Hodgman: a ring clipped to a box (the edges it gains along the box are not drawn as lines). */
function clipRing(ring, [w, s, e, n]) {
  const edges = [(p) => p[0] >= w, (p) => p[0] <= e, (p) => p[1] >= s, (p) => p[1] <= n];
  const cut = [
    (p, q) => [w, p[1] + ((q[1] - p[1]) * (w - p[0])) / (q[0] - p[0])],
    (p, q) => [e, p[1] + ((q[1] - p[1]) * (e - p[0])) / (q[0] - p[0])],
    (p, q) => [p[0] + ((q[0] - p[0]) * (s - p[1])) / (q[1] - p[1]), s],
    (p, q) => [p[0] + ((q[0] - p[0]) * (n - p[1])) / (q[1] - p[1]), n],
  ];
  let points = ring.slice(0, -1);
  for (let k = 0; k < 4 && points.length; k++) {
    const inside = edges[k];
    const next = [];
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const q = points[(i + 1) % points.length];
      if (inside(p)) {
        next.push(p);
        if (!inside(q)) next.push(cut[k](p, q));
      } else if (inside(q)) next.push(cut[k](p, q));
    }
    points = next;
  }
  return points.length >= 3 ? [...points, points[0]] : null;
}

const bboxOf = (ring) => {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    b[0] = Math.min(b[0], x);
    b[1] = Math.min(b[1], y);
    b[2] = Math.max(b[2], x);
    b[3] = Math.max(b[3], y);
  }
  return b;
};
const overlaps = (a, b) => a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
const round = (points) => {
  const f = 10 ** DECIMALS;
  const rounded = points.map(([x, y]) => [Math.round(x * f) / f, Math.round(y * f) / f]);
  return rounded.filter((p, i) => i === 0 || p[0] !== rounded[i - 1][0] || p[1] !== rounded[i - 1][1]);
};

/** A polygon's rings clipped, simplified and rounded; null when the outer ring vanishes. */
function cleanPolygon(rings, box, tolerance, minKm2) {
  const result = [];
  for (const [i, ring] of rings.entries()) {
    if (!overlaps(bboxOf(ring), box)) {
      if (i === 0) return null;
      continue;
    }
    const clipped = clipRing(ring, box);
    if (!clipped) {
      if (i === 0) return null;
      continue;
    }
    const simple = round(simplify(clipped, tolerance));
    if (simple.length < 4 || areaKm2(simple) < minKm2) {
      if (i === 0) return null;
      continue;
    }
    result.push(simple);
  }
  return result.length ? result : null;
}

const collection = (features) => ({ type: 'FeatureCollection', features });

// ---- Land and borders -------------------------------------------------------------------------

function landAndBorders() {
  const topology = require('world-atlas/countries-10m.json');
  const arcs = decodeArcs(topology);
  const geometries = topology.objects.countries.geometries;
  const land = [];
  /** How many of the countries we draw use each arc: 2 = a land border between them. */
  const uses = new Map();
  for (const g of geometries) {
    const code = COUNTRIES[Number(g.id)];
    if (!code) continue;
    const polygons = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
    const kept = [];
    for (const polygon of polygons) {
      for (const ring of polygon) for (const i of ring) uses.set(i < 0 ? ~i : i, (uses.get(i < 0 ? ~i : i) ?? 0) + 1);
      const cleaned = cleanPolygon(
        polygon.map((r) => ringOf(arcs, r)),
        COUNTRY_BOX,
        LAND_TOLERANCE_M,
        2,
      );
      if (cleaned) kept.push(cleaned);
    }
    if (kept.length) {
      land.push({
        type: 'Feature',
        properties: { country: code },
        geometry: { type: 'MultiPolygon', coordinates: kept },
      });
    }
  }
  const borders = [];
  for (const [i, count] of uses) {
    if (count < 2) continue;
    const line = arcs[i].filter(
      ([x, y]) => x >= COUNTRY_BOX[0] && x <= COUNTRY_BOX[2] && y >= COUNTRY_BOX[1] && y <= COUNTRY_BOX[3],
    );
    const simple = round(simplify(line, LAND_TOLERANCE_M));
    if (simple.length >= 2) borders.push(simple);
  }
  return {
    land: collection(land),
    borders: collection([
      { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: borders } },
    ]),
  };
}

// ---- Lakes ------------------------------------------------------------------------------------

function lakes() {
  const source = require('@geo-maps/earth-lakes-100m/map.geo.json');
  const polygons = [];
  for (const g of source.geometries) {
    const list = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const rings of list) {
      const cleaned = cleanPolygon(rings, LAKE_BOX, LAKE_TOLERANCE_M, MIN_LAKE_KM2);
      if (cleaned) polygons.push(cleaned);
    }
  }
  return collection([{ type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: polygons } }]);
}

// ---- Output -----------------------------------------------------------------------------------

fs.mkdirSync(out, { recursive: true });
const { land, borders } = landAndBorders();
const files = { 'land.geojson': land, 'borders.geojson': borders, 'lakes.geojson': lakes() };
let total = 0;
for (const [name, data] of Object.entries(files)) {
  const text = JSON.stringify(data);
  fs.writeFileSync(path.join(out, name), text + '\n');
  total += text.length;
  console.log(`${name}: ${(text.length / 1024).toFixed(0)} KiB`);
}
console.log(`total: ${(total / 1024).toFixed(0)} KiB (style.json is written by hand)`);
