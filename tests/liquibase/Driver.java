// Runs Liquibase's own command line many times in one JVM (a JVM start costs seconds): each
// line of standard input is one command, its arguments separated by tabs. After each command
// the line `MIGEN-DONE <exit code>` follows Liquibase's own output (and errors) on standard
// output.
import java.io.BufferedReader;
import java.io.InputStreamReader;

import liquibase.integration.commandline.LiquibaseCommandLine;

public class Driver {
    public static void main(String[] ignored) throws Exception {
        // Liquibase's errors go with its output, so a failure shows them.
        System.setErr(System.out);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            int code;
            try {
                code = new LiquibaseCommandLine().execute(line.split("\t"));
            } catch (Throwable failure) {
                failure.printStackTrace(System.out);
                code = 99;
            }
            System.out.flush();
            System.err.flush();
            System.out.println("MIGEN-DONE " + code);
            System.out.flush();
        }
    }
}
