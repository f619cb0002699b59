// 'dcmjs' ships no types. The root project declares it in core/src/io/dcmjs.d.ts; this shorthand lets the
// extension's own tsconfig (which does not include core/src/io) compile too. part10.ts casts the module to
// DcmjsModule either way, so nothing here depends on which declaration is in effect.
declare module 'dcmjs';
