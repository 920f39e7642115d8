using FakeApiServer.Hosting;
using FakeApiServer.Hosting.StorageBackends;

namespace FakeApiServer.Tests.Hosting;

/// <summary>The storage backend and leader election flags, named and defaulted as kube-apiserver's and kube-controller-manager's.</summary>
public sealed class ReplicaFlagTests
{
    [Fact]
    public void Sqlite_stays_the_default_and_etcd_defaults_are_kube_apiservers()
    {
        var options = CommandLine.Parse([]);

        Assert.Equal("sqlite", options.Storage.Backend);
        Assert.False(options.Storage.IsEtcd);
        Assert.Equal("/registry", options.Storage.EtcdPrefix);
        Assert.Equal([new Uri("http://127.0.0.1:2379")], options.Storage.EtcdServers);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Storage.EtcdCompactionInterval);
        Assert.Null(options.LeaderElection.Enabled);
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)), (options.LeaderElection.LeaseDuration, options.LeaderElection.RenewDeadline, options.LeaderElection.RetryPeriod));
    }

    [Fact]
    public void The_etcd_and_leader_election_flags_are_read()
    {
        var options = CommandLine.Parse([
            "--storage-backend=etcd3", "--etcd-servers=http://10.0.0.1:2379,https://10.0.0.2:2379", "--etcd-prefix=/other/", "--etcd-cafile=ca.crt",
            "--etcd-certfile=c.crt", "--etcd-keyfile=c.key", "--etcd-compaction-interval=0", "--leader-elect=false", "--leader-elect-lease-duration=30s",
        ]);

        Assert.Equal(StorageBackendOptions.Etcd3, options.Storage.Backend);
        Assert.Equal([new Uri("http://10.0.0.1:2379"), new Uri("https://10.0.0.2:2379")], options.Storage.EtcdServers);
        Assert.Equal("/other", options.Storage.EtcdPrefix);
        Assert.Equal(("ca.crt", "c.crt", "c.key"), (options.Storage.EtcdCaFile, options.Storage.EtcdCertFile, options.Storage.EtcdKeyFile));
        Assert.Equal(TimeSpan.Zero, options.Storage.EtcdCompactionInterval);
        Assert.False(options.LeaderElection.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaderElection.LeaseDuration);
    }

    [Theory]
    [InlineData("--storage-backend=etcd2", "invalid value \"etcd2\" for flag --storage-backend: must be sqlite or etcd3")]
    [InlineData("--etcd-servers=127.0.0.1:2379", "invalid value \"127.0.0.1:2379\" for flag --etcd-servers: \"127.0.0.1:2379\" is not an http:// or https:// URL")]
    [InlineData("--etcd-prefix=registry", "invalid value \"registry\" for flag --etcd-prefix: must start with /")]
    [InlineData("--leader-elect-retry-period=0", "invalid value \"0\" for flag --leader-elect-retry-period: must be a positive duration such as 15s")]
    public void A_bad_value_is_one_line_naming_the_flag(string flag, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => CommandLine.Parse([flag])).Message);
}
