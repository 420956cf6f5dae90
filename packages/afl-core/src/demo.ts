console.log('demo: coming with @afl/core');
