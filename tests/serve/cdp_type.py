#!/usr/bin/env python3
"""Types a query into the search page the way a person does, through the
Chrome DevTools protocol of a headless Chromium: loads URL, focuses the
search box, inserts the text, presses Enter, waits for the results page's
scripts (body data-ready) and prints its DOM.
Usage: cdp_type.py URL QUERY   (the standard library only: a minimal
WebSocket client; Chromium's flags as in browser.sh)"""
import base64, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request

def ws_connect(url):
    m = re.match(r'ws://([^/:]+):(\d+)(/.*)', url)
    s = socket.create_connection((m.group(1), int(m.group(2))), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f'GET {m.group(3)} HTTP/1.1\r\nHost: {m.group(1)}:{m.group(2)}\r\n'
               f'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n'
               'Sec-WebSocket-Version: 13\r\n\r\n').encode())
    head = b''
    while b'\r\n\r\n' not in head:
        head += s.recv(1)
    if b' 101 ' not in head.split(b'\r\n')[0]:
        raise SystemExit('websocket refused: ' + head.decode(errors='replace'))
    return s

def ws_send(s, text):
    data = text.encode()
    mask = os.urandom(4)
    n = len(data)
    hdr = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                           bytes([0x80 | 126]) + struct.pack('>H', n) if n < 65536 else
                           bytes([0x80 | 127]) + struct.pack('>Q', n))
    s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

def recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise SystemExit('websocket closed')
        buf += chunk
    return buf

def ws_recv(s):
    msg = b''
    while True:
        b0, b1 = recv_exact(s, 2)
        n = b1 & 0x7f
        if n == 126: n = struct.unpack('>H', recv_exact(s, 2))[0]
        elif n == 127: n = struct.unpack('>Q', recv_exact(s, 8))[0]
        payload = recv_exact(s, n)
        if b0 & 0x0f in (1, 0): msg += payload
        if b0 & 0x80 and b0 & 0x0f in (1, 0): return msg.decode()

class Page:
    def __init__(self, ws):
        self.ws, self.next = ws, 0
    def call(self, method, **params):
        self.next += 1
        ws_send(self.ws, json.dumps({'id': self.next, 'method': method, 'params': params}))
        while True:
            m = json.loads(ws_recv(self.ws))
            if m.get('id') == self.next:
                if 'error' in m: raise SystemExit(f'{method}: {m["error"]}')
                return m.get('result', {})
    def eval(self, expr):
        return self.call('Runtime.evaluate', expression=expr, returnByValue=True)['result'].get('value')
    def wait(self, expr, seconds=20):
        end = time.time() + seconds
        while time.time() < end:
            if self.eval(expr): return True
            time.sleep(0.1)
        raise SystemExit(f'timed out waiting for {expr}')

def main():
    url, query = sys.argv[1], sys.argv[2]
    profile = tempfile.mkdtemp()
    chrome = subprocess.Popen(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', f'--user-data-dir={profile}', '--remote-debugging-port=0', 'about:blank'],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in chrome.stderr:
            m = re.search(r'DevTools listening on ws://127\.0\.0\.1:(\d+)/', line)
            if m: port = m.group(1); break
        if not port: raise SystemExit('chromium did not start its DevTools endpoint')
        targets = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=10))
        page = Page(ws_connect(next(t for t in targets if t['type'] == 'page')['webSocketDebuggerUrl']))
        page.call('Page.enable')
        page.call('Page.navigate', url=url)
        page.wait("document.readyState === 'complete' && !!document.getElementById('q')")
        page.eval("document.getElementById('q').focus()")
        page.call('Input.insertText', text=query)
        for kind in ('keyDown', 'keyUp'):
            page.call('Input.dispatchKeyEvent', type=kind, key='Enter', code='Enter',
                      windowsVirtualKeyCode=13, nativeVirtualKeyCode=13,
                      **({'text': '\r'} if kind == 'keyDown' else {}))
        page.wait("document.body && document.body.getAttribute('data-ready') === '1'")
        print(page.eval('location.href'))
        print(page.eval('document.documentElement.outerHTML'))
    finally:
        chrome.terminate()
        try: chrome.wait(10)
        except subprocess.TimeoutExpired: chrome.kill(); chrome.wait()
        shutil.rmtree(profile, ignore_errors=True)

main()
