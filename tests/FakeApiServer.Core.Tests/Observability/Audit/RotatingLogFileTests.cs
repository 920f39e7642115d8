using System.Text;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Tests.Controllers.Runtime;

namespace FakeApiServer.Tests.Observability.Audit;

public sealed class RotatingLogFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fakeapiserver-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Line(int i) => Encoding.UTF8.GetBytes($"{{\"line\":{i:D4}}}\n");

    [Fact]
    public void A_write_that_would_pass_maxsize_rotates_and_at_most_maxbackup_backups_are_kept()
    {
        var time = new ManualTime();
        var path = Path.Combine(_folder, "audit.log");
        using (var file = new RotatingLogFile(path, maxBytes: 50, maxBackups: 3, maxAge: TimeSpan.Zero, time))
        {
            for (var i = 0; i < 40; i++)
            {
                file.Write(Line(i));
                time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.Equal(3, file.Backups().Count);
        }

        var files = Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, files.Count);
        Assert.Equal("audit.log", files[^1]);
        Assert.All(files.SkipLast(1), name => Assert.Matches(@"^audit-2026-01-01T00-00-[0-9]{2}\.000\.log$", name!));
        // Each file holds whole lines and never more than maxsize; the newest lines are kept.
        Assert.All(Directory.GetFiles(_folder), f => Assert.InRange(new FileInfo(f).Length, 1, 50));
        Assert.EndsWith("{\"line\":0039}\n", File.ReadAllText(path), StringComparison.Ordinal);
        var kept = Directory.GetFiles(_folder).SelectMany(File.ReadAllLines).Order(StringComparer.Ordinal).ToList();
        Assert.Equal("{\"line\":0039}", kept[^1]);
        Assert.Equal((3 * 3) + 1, kept.Count);
    }

    [Fact]
    public void Backups_older_than_maxage_are_removed_at_the_next_rotation()
    {
        var time = new ManualTime();
        var path = Path.Combine(_folder, "audit.log");
        using var file = new RotatingLogFile(path, maxBytes: 30, maxBackups: 0, maxAge: TimeSpan.FromDays(1), time);
        for (var i = 0; i < 4; i++)
        {
            file.Write(Line(i));
        }

        time.Advance(TimeSpan.FromHours(1));
        Assert.Single(file.Backups());

        file.Write(Line(4));
        file.Write(Line(5));
        Assert.Equal(2, file.Backups().Count);

        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        file.Write(Line(6));
        file.Write(Line(7));

        // The backups of day one went; the one written now stays.
        var backup = Assert.Single(file.Backups());
        Assert.Contains("2026-01-02T01-01-00.000", backup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_file_is_appended_to_and_a_single_write_larger_than_maxsize_fails()
    {
        var time = new ManualTime();
        var path = Path.Combine(_folder, "audit.log");
        File.WriteAllText(path, "{\"line\":\"old\"}\n");
        using var file = new RotatingLogFile(path, maxBytes: 40, maxBackups: 1, maxAge: TimeSpan.Zero, time);

        file.Write(Line(1));

        Assert.Equal(["{\"line\":\"old\"}", "{\"line\":0001}"], File.ReadAllLines(path));
        var error = Assert.Throws<IOException>(() => file.Write(new byte[41]));
        Assert.Equal("write length 41 exceeds maximum file size 40", error.Message);
    }
}
