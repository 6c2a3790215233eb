#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real-data tests: migcheck reads nova.conf exactly as nova (oslo.config) does.

usage: nova_conf_oslo.py --migcheck BIN --source SRCDIR [--debs CACHE] TEST

TEST is one of
  sample   the Debian 12 nova-common sample nova.conf (10,164 lines, unpacked
           by tests/real/fetch-debs into CACHE/root) parses completely and the
           values migcheck reports are those in the file
  diff     differential test against python3-oslo.config on hand-written tricky
           nova.conf + nova.conf.d/*.conf trees and on the Debian sample:
           every option migcheck collects equals what oslo.config gives for the
           same files read in the same order
  secrets  no credential of nova.conf reaches migcheck's output
  sample-fix  `migcheck fix` on the Debian sample with two operator
           mistakes: only the intended lines change, oslo.config reads the
           fixed values, and a second fix changes nothing
  fix-types  `migcheck fix` of force_config_drive values the release
           refuses: oslo.config, given the option as that release defines
           it, refuses the value before and accepts what the fix wrote

Must run with Debian's python3 (/usr/bin/python3), which has oslo_config.
"""

import argparse
import copy
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    from oslo_config import cfg
    from oslo_config import iniparser
except ImportError as e:  # a pyenv or venv python3 without the Debian package
    sys.exit('%s: cannot import oslo_config (%s): run with /usr/bin/python3 '
             'and install python3-oslo.config' % (sys.argv[0], e))

NOVA_CONF = '/etc/nova/nova.conf'
NOVA_CONF_D = '/etc/nova/nova.conf.d'
SAMPLE = 'usr/share/nova-common/nova.conf'

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL: ' + msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


# --------------------------------------------------------------------------
# migcheck's side


def keep_list(source):
    """The options migcheck collects: nova_keep[] in src/collect_nova.c."""
    with open(os.path.join(source, 'src', 'collect_nova.c')) as f:
        text = f.read()
    m = re.search(r'nova_keep\[\]\s*=\s*\{(.*?)\};', text, re.S)
    if not m:
        sys.exit('cannot find nova_keep[] in src/collect_nova.c')
    keys = re.findall(r'"([^"]+)"', m.group(1))
    if len(keys) < 10:
        sys.exit('nova_keep[] looks wrong: %r' % keys)
    return set(keys)


def collect(migcheck, root):
    p = subprocess.run([migcheck, 'collect', '--root', root],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError('migcheck collect --root %s: exit %d: %s'
                           % (root, p.returncode, p.stderr.decode(errors='replace')))
    return p.stdout, p.stderr, json.loads(p.stdout)


def mc_view(facts):
    """(files in read order, {file: state}, {file: {section: {key: value}}})."""
    order = facts.get('nova', {}).get('files', [])
    states, values = {}, {}
    for path in order:
        f = facts.get('files', {}).get(path, {})
        states[path] = f.get('state')
        values[path] = {
            sec: {k: v['value'] for k, v in keys.items()}
            for sec, keys in f.get('sections', {}).items() if keys}
    return order, states, values


def merged(order, values):
    """Last definition across the files in read order wins (mc_facts_nova)."""
    out = {}
    for path in order:
        for sec, keys in values.get(path, {}).items():
            out.setdefault(sec, {}).update(keys)
    return out


# --------------------------------------------------------------------------
# oslo.config's side: its own command line handling (--config-file,
# --config-dir), its own parser, its own lookup. Nothing re-implemented.


class OsloRun:
    def __init__(self, root):
        self.root = root
        self.order = []
        conf_file = root + NOVA_CONF
        conf_dir = root + NOVA_CONF_D
        args = ['--config-file', conf_file]
        if os.path.isdir(conf_dir):
            args += ['--config-dir', conf_dir]

        # Record the files oslo parses, in the order it parses them.
        orig = cfg.ConfigParser.__dict__['_parse_file'].__func__
        run = self

        def recording(cls, config_file, namespace):
            run.order.append(config_file)
            return orig(cls, config_file, namespace)

        cfg.ConfigParser._parse_file = classmethod(recording)
        try:
            self.conf = cfg.ConfigOpts()
            self.conf(args=args, project='nova', default_config_files=[],
                      default_config_dirs=[], use_env=False)
        finally:
            cfg.ConfigParser._parse_file = classmethod(orig)
        ns = self.conf._namespace
        # _normalized: per file, newest first; section names as nova looks
        # them up ([LIBVIRT] is [libvirt], DEFAULT stays DEFAULT).
        if len(ns._normalized) != len(self.order):
            raise RuntimeError('oslo parsed %d files but recorded %d'
                               % (len(ns._normalized), len(self.order)))
        self.per_file = dict(zip(self.order, reversed(ns._normalized)))

    def rel(self, path):
        return path[len(self.root):]

    def files(self):
        return [self.rel(p) for p in self.order]

    def file_values(self, keep):
        """{file: {section: {key: value}}}: a repeated key's last value."""
        out = {}
        for path, sections in self.per_file.items():
            out[self.rel(path)] = {
                sec: {k: v[-1] for k, v in keys.items() if k in keep}
                for sec, keys in sections.items()}
            out[self.rel(path)] = {s: k for s, k in out[self.rel(path)].items() if k}
        return out

    def lookup(self, section, key):
        """The raw string nova gets for [section] key (no $ interpolation)."""
        try:
            return self.conf._namespace._get_value([(section, key)], multi=False)[0]
        except KeyError:
            return None

    def public_value(self, section, key):
        """The same through the public API nova uses (conf.group.opt)."""
        opt = cfg.StrOpt(key)
        if section == 'DEFAULT':
            self.conf.register_opt(opt)
            return self.conf[key]
        self.conf.register_opt(opt, group=section)
        return self.conf[section][key]


def oslo_parse_error(path):
    """oslo.config's verdict on a single file: None or the parse error."""
    try:
        cfg.ConfigParser(path, {}).parse()
    except (iniparser.ParseError, cfg.ParseError) as e:
        return str(e)
    return None


# --------------------------------------------------------------------------
# Trees


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel.lstrip('/'))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode('utf-8') if isinstance(text, str) else text
        with open(path, 'wb') as f:
            f.write(data)


C = NOVA_CONF
D = NOVA_CONF_D + '/'

# Hand-written trees that exercise every rule of oslo.config's iniparser.
CASES = {
    'continuation-lines': {C: (
        '[DEFAULT]\n'
        'state_path = /srv/nova\n'
        '[libvirt]\n'
        'live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE,\n'
        '    VIR_MIGRATE_PEER2PEER,\n'
        '\tVIR_MIGRATE_LIVE   \n'
        'block_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE,   \n'
        '        VIR_MIGRATE_PEER2PEER,  \t\n'
        '  # an indented "comment" is a continuation line\n'
        '  ; so is this one\n'
        '    VIR_MIGRATE_NON_SHARED_INC\n'
        '\n'
        'cpu_model_extra_flags =\n'
        '    pcid\n'
        '    ssbd\n'
        'cpu_models:   \n'
        '\tHaswell-noTSX-IBRS\n'
        'virt_type = kvm\n')},
    'repeated-keys-last-wins': {C: (
        '[DEFAULT]\n'
        'my_ip = 10.0.0.1\n'
        'host = first\n'
        'my_ip = 10.0.0.2\n'
        '[libvirt]\n'
        'cpu_mode = host-passthrough\n'
        'cpu_mode = host-model\n'
        '[vnc]\n'
        'server_listen = 127.0.0.1\n'
        '[libvirt]\n'
        'cpu_mode = custom\n'
        'cpu_models = Broadwell\n'
        '[DEFAULT]\n'
        'host = second\n')},
    'comments-and-hash-semicolon-values': {C: (
        '# comment\n'
        '; another comment\n'
        '#\n'
        ';\n'
        '[DEFAULT]\n'
        '#my_ip = 10.9.9.9\n'
        ';host = commented-out\n'
        'my_ip = 10.0.0.3 # not a comment: oslo has no inline comments\n'
        'host = compute#1;rack=2\n'
        'compute_driver = libvirt.LibvirtDriver ; trailing\n'
        '[libvirt]\n'
        'live_migration_inbound_addr = 192.0.2.7#migration\n'
        'cpu_model_extra_flags = ;pcid\n'
        '[workarounds]\n'
        '# skip_cpu_compare_on_dest = False\n'
        'skip_cpu_compare_on_dest = True\n')},
    'separators-and-spacing': {C: (
        '[DEFAULT]\n'
        'my_ip: 10.0.0.4\n'
        'host:compute-a=b\n'
        'state_path=/var/lib/nova=x:y\n'
        'instances_path  \t=\t  $state_path/instances\n'
        'compute_driver = = libvirt.LibvirtDriver\n'
        '[libvirt]\n'
        'live_migration_uri = qemu+tcp://%s/system\n'
        'live_migration_inbound_addr = fe80::1:2\n'
        'virt_type:kvm:x\n'
        '[vnc]   \n'
        'server_proxyclient_address = 2001:db8::1\n')},
    'quoted-and-empty-values': {C: (
        '[DEFAULT]\n'
        'my_ip = "10.0.0.5"\n'
        "host = 'quoted host'\n"
        'compute_driver = "unbalanced\n'
        'force_config_drive = "\n'
        'config_drive_format = "a"b"\n'
        'state_path = " /padded "\n'
        '[libvirt]\n'
        'cpu_mode =\n'
        'cpu_models:\n'
        'virt_type =   \t\n'
        'live_migration_uri = ""\n'
        'live_migration_scheme = \'\'\n'
        'live_migration_flag = "VIR_MIGRATE_LIVE,\n'
        '    VIR_MIGRATE_PEER2PEER"\n')},
    'dropin-overrides': {
        C: ('[DEFAULT]\n'
            'state_path = /var/lib/nova\n'
            'instances_path = $state_path/instances\n'
            'my_ip = 10.0.0.6\n'
            '[libvirt]\n'
            'cpu_mode = host-passthrough\n'
            'live_migration_scheme = tcp\n'
            '[vnc]\n'
            'server_listen = 10.0.0.6\n'),
        D + '10-migration.conf': (
            '[libvirt]\n'
            'live_migration_scheme = tls\n'
            'cpu_mode =\n'
            '[vnc]\n'
            'server_listen = 0.0.0.0\n'),
        D + '20-instances.conf': (
            '[DEFAULT]\n'
            'instances_path = /srv/instances\n'),
        D + '9-sorts-after-20.conf': (
            '[libvirt]\n'
            'live_migration_scheme = ssh\n'),
        D + 'README': '[libvirt]\nlive_migration_scheme = not-read\n',
        D + '30-disabled.conf.bak': '[libvirt]\nlive_migration_scheme = not-read\n',
        D + '.hidden.conf': '[libvirt]\nlive_migration_scheme = hidden\n',
        D + '.conf': '[libvirt]\nlive_migration_scheme = dotconf\n',
    },
    'sections-default-libvirt-vnc-workarounds': {
        C: ('[DEFAULT]\n'
            'my_ip = 10.0.0.7\n'
            '[libvirt]\n'
            'virt_type = qemu\n'
            '[vnc]\n'
            'enabled = true\n'
            'server_listen = ::\n'
            '[workarounds]\n'
            'skip_hypervisor_version_check_on_lm = true\n'
            '[spice]\n'
            'enabled = false\n'
            'server_listen = 127.0.0.1\n'
            '[api_database]\n'
            'connection = sqlite://\n'
            '[vnc ]\n'
            'server_listen = not-vnc\n'),
        D + 'upper.conf': (
            # section names other than DEFAULT are case-insensitive to nova
            '[LIBVIRT]\n'
            'virt_type = kvm\n'
            '[Vnc]\n'
            'server_listen = 0.0.0.0\n'
            '[default]\n'
            'my_ip = not-DEFAULT\n'),
    },
    'crlf-and-no-final-newline': {
        C: ('[DEFAULT]\r\n'
            'my_ip = 10.0.0.8\r\n'
            '[libvirt]\r\n'
            'live_migration_flag = VIR_MIGRATE_LIVE,\r\n'
            '   VIR_MIGRATE_PEER2PEER\r\n'
            'cpu_mode = host-model'),
        D + 'nonl.conf': '[vnc]\nserver_listen = 0.0.0.0',
    },
    'unicode-whitespace': {C: (
        # python's str.strip() also strips NBSP and friends (copy-paste
        # from a web page)
        '[DEFAULT]\n'
        'my_ip = 10.0.0.9\u00a0\n'
        'host\u00a0= \u2003node-9\n'
        '[libvirt]\n'
        'cpu_mode = host-model\u3000\u00a0\n'
        'live_migration_flag = VIR_MIGRATE_LIVE,\u00a0\n'
        '    VIR_MIGRATE_PEER2PEER\u2009\n')},
    'reader-edge-cases': {C: (
        # what the one-pass reader (src/confparse.c ini_parse) must get
        # exactly as oslo does
        '[DEFAULT]\n'
        '\u00a0\u00a0\n'                  # only no-break spaces: a blank line
        'my_ip = 10.0.0.10\n'
        '\x0chost = formfeed-led\n'         # not a continuation: only ' ' and '\\t' are
        '[libvirt]   \t\n'
        'cpu_mode = "host-model\n'          # one quote: kept
        'virt_type = \'\n'                  # a lone quote: ''
        'live_migration_scheme=\ttls\t\n'
        'live_migration_inbound_addr : 192.0.2.10\n'
        'cpu_models = a = b : c\n'
        'live_migration_uri: qemu+tcp://%s:16509/system\n'
        '[vnc]\n'
        'server_listen =    \n'
        '   0.0.0.0\n'
        '\t\n'                             # blank after rstrip: ends the value
        '[a]b]\n'                           # oslo: section "a]b"
        'enabled = true\n'
        '[keystone/authtoken]\n'
        'enabled = false\n')},
}

# Files oslo.config refuses: nova would not start, so migcheck must report
# the file as an error rather than read something out of it.
BROKEN = {
    'key-before-section': 'my_ip = 10.0.0.1\n[DEFAULT]\n',
    'continuation-after-comment': '[DEFAULT]\nmy_ip = a\n# c\n  b\n',
    'continuation-after-blank': '[DEFAULT]\nmy_ip = a\n\n  b\n',
    'continuation-after-section': '[DEFAULT]\n  my_ip = a\n',
    'no-separator': '[DEFAULT]\nmy_ip\n',
    'empty-key': '[DEFAULT]\n= a\n',
    'unterminated-section': '[DEFAULT\nmy_ip = a\n',
    'empty-section-name': '[]\nmy_ip = a\n',
    'comment-after-section': '[DEFAULT] # main\nmy_ip = a\n',
}


def compare(name, oslo, facts, keep):
    """Every mismatch between oslo's reading and migcheck's facts."""
    bad = []
    order, states, values = mc_view(facts)
    if order != oslo.files():
        bad.append('%s: nova.files %r, oslo reads %r' % (name, order, oslo.files()))
    for path, state in states.items():
        if state != 'ok':
            bad.append('%s: %s: state %r (%s), oslo parses it'
                       % (name, path, state, facts['files'][path].get('error')))
    expect = oslo.file_values(keep)
    compared = []
    for path in sorted(set(expect) | set(values)):
        e, g = expect.get(path, {}), values.get(path, {})
        for sec in sorted(set(e) | set(g)):
            for key in sorted(set(e.get(sec, {})) | set(g.get(sec, {}))):
                ev, gv = e.get(sec, {}).get(key), g.get(sec, {}).get(key)
                if ev != gv:
                    bad.append('%s: %s [%s] %s: migcheck %r, oslo %r' % (name, path, sec, key, gv, ev))
                compared.append((path, sec, key, ev))
    # The value nova ends up with, through oslo's own lookup across files.
    m = merged(order, values)
    for sec in sorted(set(s for f in expect.values() for s in f) | set(m)):
        for key in sorted(keep):
            ov, mv = oslo.lookup(sec, key), m.get(sec, {}).get(key)
            if ov != mv:
                bad.append('%s: effective [%s] %s: migcheck %r, oslo %r' % (name, sec, key, mv, ov))
    return bad, compared


def tamper(facts):
    """Copies of facts with one deliberate error each, for the negative control."""
    out = []
    order = facts['nova']['files']
    for path in order:
        for sec, keys in facts['files'][path].get('sections', {}).items():
            for key, v in keys.items():
                val = v['value']
                if '\n' in val:
                    t = copy.deepcopy(facts)
                    t['files'][path]['sections'][sec][key]['value'] = val.split('\n')[0]
                    out.append(('multi-line value cut to its first line', t))
                if '#' in val:
                    t = copy.deepcopy(facts)
                    t['files'][path]['sections'][sec][key]['value'] = val.split('#')[0].rstrip()
                    out.append(("value cut at '#' (inline comment)", t))
                if val == '':
                    t = copy.deepcopy(facts)
                    del t['files'][path]['sections'][sec][key]
                    out.append(('empty value dropped', t))
    if len(order) > 1:
        t = copy.deepcopy(facts)
        t['nova']['files'] = list(reversed(order))
        out.append(('files read in reverse order', t))
    return out


def run_diff(args, keep):
    tmp = tempfile.mkdtemp(prefix='mc-oslo-')
    seen = {'multiline': 0, 'hash': 0, 'semicolon': 0, 'empty': 0, 'override': 0,
            'quoted': 0, 'controls-caught': 0}
    total = 0
    try:
        cases = dict(CASES)
        if args.debs:
            sample = os.path.join(args.debs, 'root', SAMPLE)
            with open(sample, 'rb') as f:
                cases['debian-sample'] = {C: f.read()}
        for name, files in cases.items():
            root = os.path.join(tmp, name)
            write_tree(root, files)
            _, _, facts = collect(args.migcheck, root)
            oslo = OsloRun(root)
            bad, compared = compare(name, oslo, facts, keep)
            for b in bad:
                fail(b)
            # The public API (conf.group.option) agrees with the raw lookup
            # wherever no $interpolation is involved.
            for sec, key in sorted({(s, k) for _, s, k, _ in compared}):
                raw = oslo.lookup(sec, key)
                if raw is not None and '$' not in raw:
                    check(oslo.public_value(sec, key) == raw,
                          '%s: oslo public API disagrees for [%s] %s' % (name, sec, key))
            # $state_path/instances, interpolated by migcheck and by oslo.
            ip = facts['nova'].get('instances_path', {})
            if oslo.lookup('DEFAULT', 'state_path') is not None:
                conf = OsloRun(root).conf
                conf.register_opts([cfg.StrOpt('state_path'),
                                    cfg.StrOpt('instances_path', default='$state_path/instances')])
                check(ip.get('path') == conf.instances_path,
                      '%s: instances_path %r, oslo %r' % (name, ip.get('path'), conf.instances_path))
            for _, _, _, v in compared:
                seen['multiline'] += v is not None and '\n' in v
                seen['hash'] += v is not None and '#' in v
                seen['semicolon'] += v is not None and ';' in v
                seen['empty'] += v == ''
            # Negative control: the comparison catches a deliberate error.
            for what, t in tamper(facts):
                tb, _ = compare(name, oslo, t, keep)
                if check(tb, '%s: negative control not caught: %s' % (name, what)):
                    seen['controls-caught'] += 1
            total += len(compared)
            print('%-45s %3d values, %d file(s), %s' % (name, len(compared), len(oslo.files()),
                                                        'ok' if not bad else '%d mismatches' % len(bad)))
        # Drop-ins override nova.conf.
        seen['override'] = int(
            OsloRun(os.path.join(tmp, 'dropin-overrides')).lookup('libvirt', 'live_migration_scheme') == 'ssh')
        seen['quoted'] = int(
            OsloRun(os.path.join(tmp, 'quoted-and-empty-values')).lookup('DEFAULT', 'my_ip') == '10.0.0.5')

        for name, text in BROKEN.items():
            root = os.path.join(tmp, 'broken-' + name)
            write_tree(root, {C: text})
            err = oslo_parse_error(root + C)
            _, _, facts = collect(args.migcheck, root)
            state = facts['files'][C]['state']
            if check(err is not None, 'broken %s: oslo parses it after all' % name):
                check(state == 'error', 'broken %s: oslo refuses it (%s), migcheck says %r' % (name, err, state))
            print('%-45s oslo: %s; migcheck: %s' % ('broken ' + name, err, state))
    finally:
        shutil.rmtree(tmp)

    print('compared %d values: %s' % (total, seen))
    check(total >= 60, 'compared only %d values' % total)
    for k, n in seen.items():
        check(n > 0, 'the cases cover no %s value' % k)


# --------------------------------------------------------------------------


def run_sample(args, keep):
    sample = os.path.join(args.debs, 'root', SAMPLE)
    with open(sample) as f:
        lines = f.read().splitlines()
    check(len(lines) > 10000, 'the sample has only %d lines' % len(lines))
    tmp = tempfile.mkdtemp(prefix='mc-sample-')
    try:
        os.makedirs(tmp + '/etc/nova')
        shutil.copy(sample, tmp + C)
        _, _, facts = collect(args.migcheck, tmp)
    finally:
        shutil.rmtree(tmp)
    f = facts['files'][C]
    check(f['state'] == 'ok', 'sample: state %r: %s' % (f['state'], f.get('error')))
    check(facts['nova']['files'] == [C], 'sample: nova.files %r' % facts['nova']['files'])
    secs = f.get('sections', {})
    # All 59 sections of the sample, each under its name.
    want_secs = [l[1:-1] for l in lines if l.startswith('[')]
    check(len(want_secs) == 59 and sorted(secs) == sorted(set(want_secs)),
          'sample: sections %d, expected %d' % (len(secs), len(want_secs)))

    def expect(sec, key, value):
        text = '%s = %s' % (key, value)
        line = lines.index(text) + 1
        got = secs.get(sec, {}).get(key)
        if check(got is not None, 'sample: [%s] %s not collected' % (sec, key)):
            check(got['value'] == value, 'sample: [%s] %s = %r, expected %r' % (sec, key, got['value'], value))
            check(got.get('line') == line, 'sample: [%s] %s line %r, expected %d' % (sec, key, got.get('line'), line))
            check(got.get('text') == text, 'sample: [%s] %s text %r' % (sec, key, got.get('text')))

    # The options the Debian sample sets (uncommented) that migcheck keeps.
    expect('DEFAULT', 'state_path', '/var/lib/nova')
    expect('spice', 'enabled', 'true')
    expect('spice', 'server_listen', '0.0.0.0')
    expect('spice', 'server_proxyclient_address', '$my_ip')
    # Commented-out defaults are not settings: [vnc] server_listen is only
    # "#server_listen = 127.0.0.1" in the sample.
    check('#server_listen = 127.0.0.1' in lines, 'sample: no commented [vnc] server_listen')
    check(secs.get('vnc') == {}, 'sample: [vnc] has settings: %r' % secs.get('vnc'))
    for sec, keys in secs.items():
        for key in keys:
            check(key in keep, 'sample: [%s] %s collected but not in the keep list' % (sec, key))
    n = sum(len(k) for k in secs.values())
    check(n == 4, 'sample: %d settings collected, expected 4' % n)
    ip = facts['nova']['instances_path']
    check(ip.get('path') == '/var/lib/nova/instances' and ip.get('source') == 'nova default',
          'sample: instances_path %r' % ip)
    print('sample: %d lines, %d sections, %d settings collected' % (len(lines), len(secs), n))


# --------------------------------------------------------------------------


def run_sample_fix(args, keep):
    """The mistakes an operator makes by uncommenting the sample's lines in
    place: cpu_models with host-passthrough and a live_migration_flag that
    zed no longer reads. The VNC address set to the node's own passes on zed
    (nova rewrites it while migrating) and must survive untouched."""
    sample = os.path.join(args.debs, 'root', SAMPLE)
    with open(sample) as f:
        pristine = f.read().splitlines(keepends=True)
    broken = list(pristine)

    def uncomment(commented, new):
        broken[broken.index(commented + '\n')] = new + '\n'

    uncomment('#cpu_mode = <None>', 'cpu_mode = host-passthrough')
    uncomment('#cpu_models =', 'cpu_models = Haswell')
    uncomment('#server_listen = 127.0.0.1', 'server_listen = 10.0.0.11')
    broken.insert(broken.index('#live_migration_uri = <None>\n') + 1,
                  'live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER\n')

    tmp = tempfile.mkdtemp(prefix='mc-sample-fix-')
    only = 'nova-cpu-mode,nova-vnc-listen,nova-live-migration-flag'
    cmd = [args.migcheck, 'fix', '--root', tmp, '--nova-release', 'zed', '--only', only,
           '--include-warnings', '--color', 'never']
    try:
        os.makedirs(tmp + '/etc/nova')
        with open(tmp + C, 'w') as f:
            f.writelines(broken)
        os.chmod(tmp + C, 0o640)
        before = subprocess.run([args.migcheck, 'check', '--root', tmp, '--nova-release', 'zed', '--only', only,
                                 '--format', 'json'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rows = {r['check']: r['status'] for r in json.loads(before.stdout)['results']}
        check(rows == {'nova-cpu-mode': 'fail', 'nova-vnc-listen': 'pass', 'nova-live-migration-flag': 'warn'},
              'sample-fix: before the fix %r' % rows)

        dry = subprocess.run(cmd + ['--dry-run'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(tmp + C) as f:
            check(f.read() == ''.join(broken), 'sample-fix: --dry-run wrote the file')
        fixed_run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(fixed_run.returncode == 0, 'sample-fix: fix exit %d: %s%s' % (
            fixed_run.returncode, fixed_run.stdout.decode(), fixed_run.stderr.decode()))
        with open(tmp + C) as f:
            fixed = f.read().splitlines(keepends=True)
        with open(tmp + C + '.migcheck-bak') as f:
            check(f.read() == ''.join(broken), 'sample-fix: the backup is not the original')
        check(os.stat(tmp + C).st_mode & 0o777 == 0o640, 'sample-fix: the mode changed')

        # Exactly the intended lines: the model and the flag removed; the
        # other 10,000 lines byte for byte.
        want = [l for l in broken if not l.startswith(('cpu_models = ', 'live_migration_flag = '))]
        check(len(want) == len(broken) - 2, 'sample-fix: the mistakes are not single lines')
        check(fixed == want, 'sample-fix: the fixed file differs from the intended change:\n' +
              ''.join(difflib.unified_diff(want, fixed, 'intended', 'fixed', n=1)))
        # The dry run showed exactly that change.
        shown = dry.stdout.decode()
        for line in ('-cpu_models = Haswell', '-live_migration_flag = VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER'):
            check(line + '\n' in shown, 'sample-fix: the dry run does not show %r' % line)
        check(sum(1 for l in shown.splitlines() if l[:1] in ('+', '-') and l[:3] not in ('+++', '---')) == 2,
              'sample-fix: the dry run shows more than the 2 changed lines:\n' + shown)

        # nova reads what migcheck wrote.
        oslo = OsloRun(tmp)
        check(oslo.lookup('vnc', 'server_listen') == '10.0.0.11', 'sample-fix: oslo reads server_listen %r'
              % oslo.lookup('vnc', 'server_listen'))
        check(oslo.lookup('libvirt', 'cpu_models') is None, 'sample-fix: oslo still reads cpu_models')
        check(oslo.lookup('libvirt', 'cpu_mode') == 'host-passthrough', 'sample-fix: cpu_mode lost')
        check(oslo.lookup('libvirt', 'live_migration_flag') is None, 'sample-fix: oslo still reads the flag')

        again = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(tmp + C) as f:
            check(f.read() == ''.join(fixed), 'sample-fix: a second fix changed the file')
        check(again.returncode == 0 and b'nothing to fix' in again.stdout + again.stderr,
              'sample-fix: second fix: exit %d: %s' % (again.returncode, (again.stdout + again.stderr).decode()))
    finally:
        shutil.rmtree(tmp)
    print('sample-fix: %d lines, 2 lines removed, the rest byte for byte' % len(broken))


# --------------------------------------------------------------------------

# force_config_drive as each release defines it: Kilo and Liberty a StrOpt
# with choices (2015.1.0:nova/virt/configdrive.py configdrive_opts), Mitaka
# on a BoolOpt (296479e1ab "force_config_drive: StrOpt -> BoolOpt").
FORCE_CONFIG_DRIVE = {
    'kilo': lambda: cfg.StrOpt('force_config_drive', choices=['always', 'True', 'False']),
    'zed': lambda: cfg.BoolOpt('force_config_drive'),
}


def oslo_typed(root, release, key):
    """The value nova of release gets for [DEFAULT] key, or the exception
    oslo.config raises reading it."""
    oslo = OsloRun(root)
    oslo.conf.register_opt(FORCE_CONFIG_DRIVE[release]())
    try:
        return oslo.conf[key]
    except Exception as e:  # what nova would get: ConfigFileValueError
        return e


def run_fix_types(args, keep):
    cases = [  # release, the value written, what nova reads after the fix
        ('kilo', 'true', 'True'),
        ('kilo', 'false', 'False'),
        ('zed', 'always', True),
        ('zed', 'y', True),
    ]
    for release, value, want in cases:
        tmp = tempfile.mkdtemp(prefix='mc-fix-types-')
        try:
            os.makedirs(tmp + '/etc/nova')
            with open(tmp + C, 'w') as f:
                f.write('[DEFAULT]\n# puppet-nova\nforce_config_drive=%s\n\n[libvirt]\nvirt_type=kvm\n' % value)
            before = oslo_typed(tmp, release, 'force_config_drive')
            check(isinstance(before, Exception), 'fix-types: %s reads %r as %r' % (release, value, before))
            cmd = [args.migcheck, 'fix', '--root', tmp, '--nova-release', release, '--only', 'nova-config-drive',
                   '--color', 'never']
            run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            check(run.returncode == 0, 'fix-types: %s %r: fix exit %d: %s%s' % (
                release, value, run.returncode, run.stdout.decode(), run.stderr.decode()))
            after = oslo_typed(tmp, release, 'force_config_drive')
            check(after == want and type(after) is type(want),
                  'fix-types: %s %r: nova reads %r after the fix, not %r' % (release, value, after, want))
            again = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            check(again.returncode == 0 and b'nothing to fix' in again.stdout + again.stderr,
                  'fix-types: %s %r: second fix: %s' % (release, value, (again.stdout + again.stderr).decode()))
        finally:
            shutil.rmtree(tmp)
    print('fix-types: %d values nova refused, read as meant after the fix' % len(cases))


# --------------------------------------------------------------------------

SECRETS = ['s3cr3t', 'dbpass', 'apidbpass', 'adm1nPw', 'ks-pass-1', 'plc-pass', 'mdsecret',
           'lmpass', 'r4bbit2', 'r4bbit3', 'brokenpw', 'nbpw']


def run_secrets(args, keep):
    files = {
        C: ('[DEFAULT]\n'
            'transport_url = rabbit://nova:s3cr3t@ctl\n'
            'admin_password = adm1nPw\n'
            'my_ip = 10.0.0.10\n'
            'state_path = /var/lib/nova\n'
            '[database]\n'
            'connection = mysql+pymysql://nova:dbpass@db/nova\n'
            '[api_database]\n'
            'connection=mysql+pymysql://nova:apidbpass@db/nova_api\n'
            '[keystone_authtoken]\n'
            'auth_type = password\n'
            'password = ks-pass-1\n'
            '[placement]\n'
            'password: plc-pass\n'
            '[neutron]\n'
            'metadata_proxy_shared_secret = mdsecret\n'
            '[libvirt]\n'
            # a kept option holding a URL with a password: redacted
            'live_migration_uri = qemu+ssh://nova:lmpass@%s/system\n'
            '[vnc]\n'
            'server_listen = 0.0.0.0\n'),
        D + '10-rabbit.conf': (
            '[DEFAULT]\n'
            'transport_url = rabbit://nova:r4bbit2@ctl1:5672,\n'
            '    nova:r4bbit3@ctl2:5672/\n'),
        # a file that does not parse must not leak through its error
        D + '20-broken.conf': (
            '[DEFAULT]\n'
            'password = brokenpw\n'
            'brokenpw\n'),
        D + '30-no-eol.conf': '[keystone_authtoken]\npassword = nbpw',
    }
    tmp = tempfile.mkdtemp(prefix='mc-secrets-')
    try:
        write_tree(tmp, files)
        with open(tmp + C) as f:
            text = f.read()
        out, err, facts = collect(args.migcheck, tmp)
        # The check verb's reports too: text and json, passing rows included.
        extra = b''
        for fmt in ('text', 'json'):
            p = subprocess.run([args.migcheck, '--root', tmp, '--format', fmt, '--verbose', '--color', 'never'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            check(p.returncode in (0, 1, 2, 3), 'check --format %s: exit %d' % (fmt, p.returncode))
            extra += p.stdout + p.stderr
    finally:
        shutil.rmtree(tmp)
    for s in SECRETS:
        check(s in text or any(s in t for t in files.values()), 'secrets: %s is not even in the input' % s)
        check(s.encode() not in out + err, 'secrets: migcheck collect prints %r' % s)
        check(s.encode() not in extra, 'secrets: migcheck check prints %r' % s)
    # and the run was not vacuous
    nova = facts['files'][C]
    check(nova['state'] == 'ok', 'secrets: nova.conf state %r' % nova['state'])
    check(nova['sections']['DEFAULT'].get('my_ip', {}).get('value') == '10.0.0.10', 'secrets: my_ip not collected')
    uri = nova['sections']['libvirt'].get('live_migration_uri', {})
    check(uri.get('value', '').startswith('qemu+ssh://nova:') and uri['value'].endswith('@%s/system'),
          'secrets: live_migration_uri %r' % uri)
    check(facts['files'][D + '20-broken.conf']['state'] == 'error', 'secrets: the broken drop-in parsed')
    check(len(facts['nova']['files']) == 4, 'secrets: nova.files %r' % facts['nova']['files'])
    print('secrets: %d credentials absent from %d bytes of output' % (len(SECRETS), len(out) + len(extra)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--migcheck', required=True)
    ap.add_argument('--source', required=True, help='the source tree (for the keep list)')
    ap.add_argument('--debs', help='fetch-debs cache (with root/)')
    ap.add_argument('test', choices=['sample', 'diff', 'secrets', 'sample-fix', 'fix-types'])
    args = ap.parse_args()
    keep = keep_list(args.source)
    if args.test in ('sample', 'sample-fix') and not args.debs:
        ap.error('sample needs --debs')
    {'sample': run_sample, 'diff': run_diff, 'secrets': run_secrets, 'sample-fix': run_sample_fix,
     'fix-types': run_fix_types}[args.test](args, keep)
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    print('all ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
