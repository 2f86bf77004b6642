import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createSpec } from './create-body';
import { InvalidArgumentError } from '../../errors/errors';

describe('the create body', () => {
  it('takes what the docker CLI sends for `run -it --rm -e A=1 -v /h:/c -p 8080:80 --memory 64m busybox sh`', () => {
    const { spec, image } = createSpec({
      Hostname: '', Domainname: '', User: '', AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, OpenStdin: true, StdinOnce: true,
      Env: ['A=1'], Cmd: ['sh'], Image: 'busybox', Volumes: {}, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {},
      ExposedPorts: { '80/tcp': {} },
      HostConfig: {
        Binds: ['/h:/c'], ContainerIDFile: '', LogConfig: { Type: '', Config: {} }, NetworkMode: 'default', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
        RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: true, VolumeDriver: '', VolumesFrom: null, ConsoleSize: [30, 100],
        CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null, IpcMode: '',
        Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null,
        UTSMode: '', UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 67108864, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0,
        Devices: [], DeviceCgroupRules: null, KernelMemory: 0, MemoryReservation: 0, MemorySwap: 0, OomKillDisable: false, PidsLimit: null,
        Ulimits: null, CpuCount: 0, MaskedPaths: null, ReadonlyPaths: null,
      },
      NetworkingConfig: { EndpointsConfig: {} },
    }, 'web');
    assert.equal(image, 'busybox');
    assert.equal(spec.name, 'web');
    assert.deepEqual(spec.config.Cmd, ['sh']);
    assert.equal('Entrypoint' in spec.config, false, 'null means the image entrypoint');
    assert.equal(spec.hostConfig?.Memory, 67108864);
    assert.equal(spec.hostConfig?.AutoRemove, true);
    assert.deepEqual(spec.hostConfig?.Binds, ['/h:/c']);
    assert.deepEqual(spec.consoleSize, { rows: 30, cols: 100 });
    assert.equal(spec.hostConfig?.PidsLimit, undefined);
  });

  it('passes --init, namespace modes, shm size, volumes-from, links, dns options, annotations and the MAC through', () => {
    const { spec } = createSpec({
      Image: 'x', Domainname: 'example.org', MacAddress: '02:42:ac:11:00:09',
      HostConfig: {
        Init: true, PidMode: 'host', IpcMode: 'shareable', UTSMode: 'container:a', CgroupnsMode: 'host', ShmSize: 1048576, VolumesFrom: ['a:ro'],
        Links: ['db:data'], DnsOptions: ['ndots:2'], Annotations: { 'com.example/x': 'y' },
      },
    }, undefined);
    const h = spec.hostConfig!;
    assert.deepEqual([h.Init, h.PidMode, h.IpcMode, h.UTSMode, h.CgroupnsMode, h.ShmSize], [true, 'host', 'shareable', 'container:a', 'host', 1048576]);
    assert.deepEqual([h.VolumesFrom, h.Links, h.DnsOptions, h.Annotations], [['a:ro'], ['db:data'], ['ndots:2'], { 'com.example/x': 'y' }]);
    assert.equal(spec.config.MacAddress, '02:42:ac:11:00:09');
    assert.equal(spec.config.Domainname, 'example.org');
  });

  it('reads docker\'s strslice and the entrypoint reset', () => {
    assert.deepEqual(createSpec({ Image: 'x', Cmd: 'echo hi' }, undefined).spec.config.Cmd, ['echo hi']);
    assert.equal(createSpec({ Image: 'x', Entrypoint: [''] }, undefined).spec.config.Entrypoint, null);
    assert.deepEqual(createSpec({ Image: 'x', Entrypoint: ['/bin/sh', '-c'] }, undefined).spec.config.Entrypoint, ['/bin/sh', '-c']);
    assert.equal('Cmd' in createSpec({ Image: 'x', Cmd: [] }, undefined).spec.config, false);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['no image', {}, /Config.Image is required/],
    ['Tty not a boolean', { Image: 'x', Tty: 'yes' }, /Config.Tty must be a boolean/],
    ['Env not strings', { Image: 'x', Env: [1] }, /Config.Env must be a list of strings/],
    ['Labels not strings', { Image: 'x', Labels: { a: 1 } }, /Config.Labels must be an object of strings/],
    ['HostConfig not an object', { Image: 'x', HostConfig: [] }, /HostConfig must be an object/],
    ['Memory not a number', { Image: 'x', HostConfig: { Memory: '1g' } }, /HostConfig.Memory must be a number/],
    ['PidMode not a string', { Image: 'x', HostConfig: { PidMode: 1 } }, /HostConfig.PidMode must be a string/],
    ['VolumesFrom not strings', { Image: 'x', HostConfig: { VolumesFrom: 'c' } }, /HostConfig.VolumesFrom must be a list of strings/],
    ['a cgroup of another container', { Image: 'x', HostConfig: { Cgroup: 'container:c' } }, /HostConfig.Cgroup "container:c" is not supported/],
    ['another logging driver', { Image: 'x', HostConfig: { LogConfig: { Type: 'syslog' } } }, /logging driver "syslog"/],
    ['mounts that are not objects', { Image: 'x', HostConfig: { Mounts: ['/a:/b'] } }, /HostConfig.Mounts must be a list of objects/],
  ];
  for (const [what, body, message] of bad) {
    it(`refuses ${what}`, () => assert.throws(() => createSpec(body, undefined), (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message)));
  }
});
