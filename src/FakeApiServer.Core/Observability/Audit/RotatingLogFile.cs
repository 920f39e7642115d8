using System.Globalization;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// An append-only log file rotated as lumberjack (gopkg.in/natefinch/lumberjack.v2, which kube-apiserver's
/// --audit-log-path uses) rotates: a write that would take the file past <c>maxBytes</c> first renames it to
/// <c>name-2006-01-02T15-04-05.000.ext</c> (UTC) and starts a new one; then backups beyond <c>maxBackups</c> (newest
/// kept) and older than <c>maxAge</c> are removed. 0 keeps every backup, of any age. Not thread-safe: its owner serializes writes.
/// </summary>
internal sealed class RotatingLogFile : IDisposable
{
    /// <summary>lumberjack's default size when none is given (100 MB).</summary>
    public const long DefaultMaxBytes = 100L * Megabyte;

    /// <summary>lumberjack counts --audit-log-maxsize in megabytes of 1024 × 1024 bytes.</summary>
    public const long Megabyte = 1024 * 1024;

    private const string BackupTimeFormat = "yyyy-MM-dd'T'HH-mm-ss.fff";

    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _maxBackups;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private FileStream? _file;
    private long _size;

    public RotatingLogFile(string path, long maxBytes, int maxBackups, TimeSpan maxAge, TimeProvider time)
    {
        _path = Path.GetFullPath(path);
        _maxBytes = maxBytes > 0 ? maxBytes : DefaultMaxBytes;
        _maxBackups = maxBackups;
        _maxAge = maxAge;
        _time = time;
    }

    /// <summary>Appends <paramref name="bytes"/>; <see cref="IOException"/> when one write is larger than the file may be (as lumberjack refuses it).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _maxBytes)
        {
            throw new IOException($"write length {bytes.Length} exceeds maximum file size {_maxBytes}");
        }

        if (_file is null)
        {
            OpenExistingOrNew(bytes.Length);
        }
        else if (_size + bytes.Length > _maxBytes)
        {
            Rotate();
        }

        _file!.Write(bytes);
        _file.Flush();
        _size += bytes.Length;
    }

    public void Dispose() => _file?.Dispose();

    /// <summary>The backups of the file, newest first (what the mill keeps or removes).</summary>
    public IReadOnlyList<string> Backups() => [.. OldLogFiles().Select(f => f.Path)];

    private void OpenExistingOrNew(int writeLength)
    {
        Mill();
        var info = new FileInfo(_path);
        if (!info.Exists)
        {
            OpenNew();
            return;
        }

        if (info.Length + writeLength >= _maxBytes)
        {
            Rotate();
            return;
        }

        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _size = info.Length;
    }

    private void Rotate()
    {
        _file?.Dispose();
        _file = null;
        OpenNew();
        Mill();
    }

    private void OpenNew()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        if (File.Exists(_path))
        {
            File.Move(_path, BackupName(_time.GetUtcNow()));
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _file = new FileStream(_path, options);
        _size = 0;
    }

    private string BackupName(DateTimeOffset time) =>
        Path.Combine(Path.GetDirectoryName(_path)!, Prefix + time.UtcDateTime.ToString(BackupTimeFormat, CultureInfo.InvariantCulture) + Path.GetExtension(_path));

    private string Prefix => Path.GetFileNameWithoutExtension(_path) + "-";

    /// <summary>Removes the backups beyond the count and the age limits (lumberjack's millRunOnce, without compression).</summary>
    private void Mill()
    {
        if (_maxBackups == 0 && _maxAge == TimeSpan.Zero)
        {
            return;
        }

        var files = OldLogFiles();
        var remove = new List<string>();
        if (_maxBackups > 0 && _maxBackups < files.Count)
        {
            remove.AddRange(files.Skip(_maxBackups).Select(f => f.Path));
            files = [.. files.Take(_maxBackups)];
        }

        if (_maxAge > TimeSpan.Zero)
        {
            var cutoff = _time.GetUtcNow() - _maxAge;
            remove.AddRange(files.Where(f => f.Time < cutoff).Select(f => f.Path));
        }

        foreach (var file in remove)
        {
            File.Delete(file);
        }
    }

    /// <summary>The backups in the file's folder, by the time in their names, newest first.</summary>
    private List<(string Path, DateTimeOffset Time)> OldLogFiles()
    {
        var folder = Path.GetDirectoryName(_path)!;
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var prefix = Prefix;
        var extension = Path.GetExtension(_path);
        var files = new List<(string, DateTimeOffset)>();
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            if (name.Length > prefix.Length + extension.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(extension, StringComparison.Ordinal)
                && DateTime.TryParseExact(name[prefix.Length..^extension.Length], BackupTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            {
                files.Add((file, new DateTimeOffset(time, TimeSpan.Zero)));
            }
        }

        return [.. files.OrderByDescending(f => f.Item2)];
    }
}
