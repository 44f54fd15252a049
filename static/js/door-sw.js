/* PLM door service worker (scope /staff/): keeps the door page and its assets available offline.
   Door pages: network first (3 s), the last good copy when the network is gone.
   Static assets: cache first, refreshed in the background. The API is never cached here:
   the door's modules keep their own snapshot and queue in localStorage. */
'use strict';
var VERSION = '__VERSION__';  // filled in by the /staff/door-sw.js route
var MODULES = __MODULES__;  // static/js/door/*.js that main.js imports (by their plain URLs)
var CACHE = 'plm-door-' + VERSION;
var DOOR_PAGE = /^\/staff\/events\/[^/]+\/door$/;

self.addEventListener('install', function (event) {
  self.skipWaiting();
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(['/static/js/door/main.js?v=' + VERSION, '/static/css/plm.css',
                         '/static/vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js',
                         '/static/vendor/qr-scanner-1.4.2/qr-scanner-worker.min.js'].concat(MODULES)).catch(function () {});
  }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('plm-door-') === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function timeout(ms) {
  return new Promise(function (resolve, reject) { setTimeout(function () { reject(new Error('timeout')); }, ms); });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (DOOR_PAGE.test(url.pathname)) {
    var key = new Request(url.origin + url.pathname);
    event.respondWith(Promise.race([fetch(request), timeout(3000)]).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(key).then(function (cached) { return cached || fetch(request); });
    }));
    return;
  }
  if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (cached) {
        var network = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
        if (cached) { network.catch(function () {}); return cached; }
        return network;
      });
    }));
  }
});
