namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>
/// The executables under test. The test project references both, so their dlls are copied into
/// the test output folder; a test starts them as separate processes with `dotnet FILE.dll`.
/// </summary>
public static class BuiltExecutables
{
    public static string ProxyDll => Locate("natedge-proxy.dll");

    public static string RelayDll => Locate("natedge-relay.dll");

    /// <summary>The repository root (the folder holding NatEdge.sln), for config/ and loadtest/ files.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "NatEdge.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"NatEdge.sln not found above {AppContext.BaseDirectory}");
        }
    }

    private static string Locate(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{fileName} is not in {AppContext.BaseDirectory}; build tests/NatEdge.IntegrationTests (it references the executables) before running it");
        }

        return path;
    }
}
